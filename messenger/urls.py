from django.urls import path

from . import views

app_name = "messenger"

urlpatterns = [
    path("", views.ChannelListView.as_view(), name="channels"),
    path("<int:pk>/deactivate/", views.ChannelDeactivateView.as_view(), name="channel-deactivate"),
    path("deliveries/", views.DeliveryListView.as_view(), name="deliveries"),
]
