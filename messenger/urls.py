from django.urls import path

from . import views

app_name = "messenger"

urlpatterns = [
    path("", views.ChannelListView.as_view(), name="channels"),
    path("<int:pk>/deactivate/", views.ChannelDeactivateView.as_view(), name="channel-deactivate"),
    path("<int:pk>/test/", views.ChannelTestView.as_view(), name="channel-test"),
    path("deliveries/", views.DeliveryListView.as_view(), name="deliveries"),
]
