import pytest
from django.core.exceptions import ValidationError

from boai.accounts import services
from boai.testing.helpers import PASSWORD


@pytest.mark.parametrize("password, reason", [
    ("Short1!", "too short"),
    ("alllowercaseletters", "one class"),
    ("lowercase12345", "two classes"),
    ("Password1234", "common"),
])
def test_weak_passwords_are_refused(tree, password, reason):
    with pytest.raises(ValidationError):
        services.user_create(actor=None, username=f"u{abs(hash(password)) % 10000}", org=tree.unit_a,
                             roles=["volunteer"], password=password)


def test_last_five_passwords_cannot_be_reused(tree, user_factory):
    user = user_factory(tree.unit_a, "volunteer")
    history = [PASSWORD] + [f"Another-Pass{i}!" for i in range(5)]
    for old, new in zip(history, history[1:], strict=False):
        services.user_set_password(actor=user, user=user, password=new, old_password=old)
    for reused in history[1:]:
        with pytest.raises(ValidationError):
            services.user_set_password(actor=user, user=user, password=reused, old_password=history[-1])
    # The sixth-last is old enough again.
    services.user_set_password(actor=user, user=user, password=PASSWORD, old_password=history[-1])


def test_changing_own_password_needs_the_current_one(tree, user_factory):
    user = user_factory(tree.unit_a, "volunteer")
    with pytest.raises(ValidationError):
        services.user_set_password(actor=user, user=user, password="Brand-New-Pass9", old_password="wrong")
