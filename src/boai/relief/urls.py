from boai.relief.views import applications, campaigns, households

app_name = "relief"
urlpatterns = [*households.urlpatterns, *applications.urlpatterns, *campaigns.urlpatterns]
