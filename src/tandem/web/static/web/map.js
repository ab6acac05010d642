// Draws an area's boundary on a Leaflet map. The page carries the GeoJSON in
// <script type="application/json" id="area-boundary"> (Django's json_script) and the
// tile server in data attributes on #area-map, so no inline script is needed (CSP).
(function () {
  "use strict";
  var element = document.getElementById("area-map");
  var data = document.getElementById("area-boundary");
  if (!element || !data || !window.L) {
    return;
  }
  var geometry;
  try {
    geometry = JSON.parse(data.textContent);
  } catch (error) {
    return;
  }
  if (!geometry) {
    return;
  }
  var map = window.L.map(element, { scrollWheelZoom: false });
  window.L.tileLayer(element.getAttribute("data-tile-url"), {
    attribution: element.getAttribute("data-tile-attribution") || "",
    maxZoom: 19,
  }).addTo(map);
  var layer = window.L.geoJSON(geometry, {
    style: { color: "#1d70b8", weight: 3, fillOpacity: 0.1 },
  }).addTo(map);
  var bounds = layer.getBounds();
  if (bounds.isValid()) {
    map.fitBounds(bounds, { padding: [12, 12] });
  } else {
    map.setView([54, -2], 6);
  }
})();
