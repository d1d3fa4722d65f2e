from boai.config.settings import *  # noqa: F403

ROOT_URLCONF = "firstaid_bench_urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public": "100000000/min"}}  # noqa: F405
