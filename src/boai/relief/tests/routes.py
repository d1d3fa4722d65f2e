"""Permission-matrix entries of the relief module, one file per area."""

from boai.relief.tests import routes_applications, routes_campaigns, routes_households

ROUTES = {**routes_households.ROUTES, **routes_applications.ROUTES, **routes_campaigns.ROUTES}
OBJECTS = {**routes_households.OBJECTS, **routes_applications.OBJECTS, **routes_campaigns.OBJECTS}
