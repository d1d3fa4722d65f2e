"""Permission checks come from the user's roles (boai.accounts.roles), not from per-user rows."""

from django.contrib.auth.backends import ModelBackend


class RoleBackend(ModelBackend):
    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active or not user_obj.is_authenticated:
            return False
        return user_obj.can(perm)

    def has_module_perms(self, user_obj, app_label):
        return self.has_perm(user_obj, f"{app_label}.view")
