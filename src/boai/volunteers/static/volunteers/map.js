// The activity map: shows the meeting point, or (data-pick) lets staff click to set it.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var lat = parseFloat(el.dataset.lat), lng = parseFloat(el.dataset.lng);
  var has = !isNaN(lat) && !isNaN(lng);
  var map = L.map(el).setView(has ? [lat, lng] : [31.57, 120.30], has ? 15 : 11);
  L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", {maxZoom: 19, attribution: "© OpenStreetMap"}).addTo(map);
  var marker = has ? L.marker([lat, lng]).addTo(map) : null;
  if (!el.dataset.pick) return;
  map.on("click", function (e) {
    var la = e.latlng.lat.toFixed(6), ln = e.latlng.lng.toFixed(6);
    document.getElementById("id_latitude").value = la;
    document.getElementById("id_longitude").value = ln;
    if (marker) marker.setLatLng(e.latlng); else marker = L.marker(e.latlng).addTo(map);
  });
})();
