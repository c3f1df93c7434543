import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")

application = get_wsgi_application()

# DEBUG is on by default, for development; under gunicorn it would show any visitor a traceback with the
# settings in it. runserver loads this module too, but does not import gunicorn.
if "gunicorn" in sys.modules:
    from django.conf import settings

    from registry.settings import envbool

    if settings.DEBUG and not envbool("GUNICORN_ALLOW_DEBUG", False):
        raise ImproperlyConfigured(
            "gunicorn will not serve the site with DEBUG on: set DEBUG=0 (make serve does), "
            "or GUNICORN_ALLOW_DEBUG=1 to serve debug pages on purpose."
        )
