from django.urls import path

from boai.ledger import api, views

app_name = "ledger"
urlpatterns = [
    # public, machine-readable (see docs/ledger.md)
    path("log/", api.LogInfo.as_view(), name="info"),
    path("log/checkpoint", api.LatestCheckpoint.as_view(), name="checkpoint"),
    path("log/checkpoints", api.CheckpointHistory.as_view(), name="checkpoint-history"),
    path("log/checkpoints/<int:pk>", api.CheckpointNote.as_view(), name="checkpoint-note"),
    path("log/leaves", api.LeafRange.as_view(), name="leaves"),
    path("log/leaves/<int:index>", api.LeafBytes.as_view(), name="leaf"),
    path("log/leaves/<int:index>/children", api.LeafChildren.as_view(), name="children"),
    path("log/proof/inclusion", api.InclusionProof.as_view(), name="inclusion"),
    path("log/proof/consistency", api.ConsistencyProof.as_view(), name="consistency"),
    path("log/receipt", api.ReceiptProof.as_view(), name="receipt"),
    path("log/flows", api.FlowData.as_view(), name="flows"),
    # public pages
    path("transparency/", views.PublicLogPage.as_view(), name="public"),
    path("transparency/leaves/<int:index>/", views.PublicLeafPage.as_view(), name="public-leaf"),
    path("transparency/flows/", views.FlowsPage.as_view(), name="flows-page"),
    # staff
    path("staff/ledger/", views.LeafListPage.as_view(), name="staff-leaves"),
    path("staff/ledger/export/", views.LeafExportPage.as_view(), name="staff-export"),
    path("staff/ledger/<int:pk>/", views.LeafDetailPage.as_view(), name="staff-leaf"),
    path("staff/ledger/checkpoints/", views.CheckpointListPage.as_view(), name="staff-checkpoints"),
    path("staff/ledger/checkpoints/sign/", views.CheckpointSignView.as_view(), name="staff-checkpoint-sign"),
]
