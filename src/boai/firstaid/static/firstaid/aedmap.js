// The public AED map: Leaflet over the configured tiles. The list under the map is rendered by the
// server and stays useful when tiles or this script cannot load; here we only refresh it in place.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("aed-map-config").textContent);
  var list = document.getElementById("aed-list");
  var latInput = document.getElementById("aed-lat"), lngInput = document.getElementById("aed-lng");
  var map = null, layer = null, here = null;

  function esc(s) { var d = document.createElement("div"); d.textContent = s == null ? "" : String(s); return d.innerHTML; }

  function render(results) {
    list.innerHTML = results.length ? results.map(function (a) {
      return '<li class="list-group-item d-flex gap-2" data-aed="' + esc(a.code) + '"><div class="flex-grow-1">' +
        '<div class="fw-semibold">' + esc(a.name) + '</div><div class="small text-muted">' + esc(a.address) +
        (a.floor ? " · " + esc(a.floor) : "") + " · " + esc(a.place_type) + "</div>" +
        (a.access_notes ? '<div class="small">' + esc(a.access_notes) + "</div>" : "") +
        '<div class="small"><span class="badge ' + (a.open_now ? "text-bg-success" : "text-bg-secondary") + '">' +
        esc(a.open_now ? cfg.labels.open : cfg.labels.closed) + '</span> <span class="text-muted">' + esc(a.opening_hours) +
        '</span></div></div><div class="text-end text-nowrap"><div class="fw-semibold">' + a.distance_m + ' m</div>' +
        '<a class="small" target="_blank" rel="noopener" href="' + esc(a.directions_url) + '">' + esc(cfg.labels.directions) + "</a></div></li>";
    }).join("") : '<li class="list-group-item text-muted">—</li>';
    if (!map) return;
    layer.clearLayers();
    results.forEach(function (a) {
      L.marker([a.latitude, a.longitude], {title: a.name}).addTo(layer)
        .bindPopup("<strong>" + esc(a.name) + "</strong><br>" + a.distance_m + " m · " + esc(a.open_now ? cfg.labels.open : cfg.labels.closed));
    });
    if (results.length && here) {  // show the point and every listed AED
      map.fitBounds(L.latLngBounds(results.map(function (a) { return [a.latitude, a.longitude]; })).extend(here.getLatLng()),
                    {padding: [24, 24], maxZoom: 17});
    }
  }

  function search(lat, lng) {
    latInput.value = lat.toFixed(6); lngInput.value = lng.toFixed(6);
    if (map) { if (here) here.setLatLng([lat, lng]); else here = L.circleMarker([lat, lng], {radius: 7, color: "#c8102e"}).addTo(map).bindTooltip(cfg.labels.you); }
    fetch(cfg.api + "?lat=" + lat + "&lng=" + lng, {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) { render(data.results); })
      .catch(function () { document.getElementById("aed-point-form").submit(); });
  }

  if (window.L) {
    map = L.map("aed-map").setView(cfg.center, 15);
    L.tileLayer(cfg.tileUrl, {maxZoom: 19, attribution: cfg.attribution}).addTo(map);
    layer = L.layerGroup().addTo(map);
    map.on("click", function (e) { search(e.latlng.lat, e.latlng.lng); });
    here = L.circleMarker(cfg.center, {radius: 7, color: "#c8102e"}).addTo(map).bindTooltip(cfg.labels.you);
    fetch(cfg.api + "?lat=" + cfg.center[0] + "&lng=" + cfg.center[1]).then(function (r) { return r.json(); })
      .then(function (data) { render(data.results); }).catch(function () {});
  } else {
    document.getElementById("aed-map").style.display = "none";
  }
  document.getElementById("aed-locate").addEventListener("click", function () {
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(function (pos) {
      search(pos.coords.latitude, pos.coords.longitude);
      if (map) map.setView([pos.coords.latitude, pos.coords.longitude], 16);
    });
  });
})();
