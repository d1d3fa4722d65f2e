/* Households on the map: one marker per household with a point, coloured by risk level, drawn on a
   canvas (thousands of points stay smooth on a phone). */
(function () {
  "use strict";
  var el = document.getElementById("household-map");
  var cfgEl = document.getElementById("household-map-config");
  if (!el || !cfgEl || typeof L === "undefined") { return; }
  var cfg = JSON.parse(cfgEl.textContent);
  var colours = { urgent: "#dc3545", watch: "#fd7e14", normal: "#0d6efd" };
  var map = L.map(el, { preferCanvas: true });
  L.tileLayer(cfg.tiles, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
  var bounds = [];
  var focus = window.location.hash ? window.location.hash.slice(1) : "";
  cfg.points.forEach(function (p) {
    var colour = colours[p.level] || colours.normal;
    var marker = L.circleMarker([p.latitude, p.longitude], {
      radius: p.level === "urgent" ? 8 : 6, weight: 1, color: "#fff", fillColor: colour, fillOpacity: 0.85
    }).addTo(map);
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.number;
    box.appendChild(link);
    box.appendChild(document.createTextNode(" · " + p.risk + " · " + p.address_masked));
    marker.bindPopup(box);
    bounds.push([p.latitude, p.longitude]);
    if (String(p.id) === focus) { map.setView([p.latitude, p.longitude], 16); marker.openPopup(); }
  });
  if (!focus || !bounds.length) {
    if (bounds.length) { map.fitBounds(bounds, { maxZoom: 15, padding: [20, 20] }); }
    else { map.setView([31.57, 120.30], 11); }
  }
})();
