// Draws an area's hotspot hexagons on a Leaflet map, coloured by their Gi* result. The page
// carries the hexagons (GeoJSON) in <script type="application/json" id="hotspot-cells">, the
// area's boundary in #area-boundary, and the tile server in data attributes, so no inline
// script is needed (CSP). Without tiles (or offline) the hexagons still show on the grey map.
(function () {
  "use strict";
  var element = document.getElementById("hotspot-map");
  var cells = document.getElementById("hotspot-cells");
  if (!element || !cells || !window.L) {
    return;
  }
  function read(node) {
    try {
      return node ? JSON.parse(node.textContent) : null;
    } catch (error) {
      return null;
    }
  }
  var collection = read(cells);
  if (!collection) {
    return;
  }
  var colours = {
    3: "#942514", // hotspot, 99%
    2: "#d4351c", // 95%
    1: "#f47738", // 90%
    0: "#b1b4b6", // not significant
    "-1": "#5694ca",
    "-2": "#1d70b8",
    "-3": "#003078",
  };
  var words = {
    3: "Hotspot, 99% confidence",
    2: "Hotspot, 95% confidence",
    1: "Hotspot, 90% confidence",
    0: "Not significant",
    "-1": "Cold spot, 90% confidence",
    "-2": "Cold spot, 95% confidence",
    "-3": "Cold spot, 99% confidence",
  };
  var map = window.L.map(element, { scrollWheelZoom: false });
  window.L.tileLayer(element.getAttribute("data-tile-url"), {
    attribution: element.getAttribute("data-tile-attribution") || "",
    maxZoom: 19,
  }).addTo(map);
  var boundary = read(document.getElementById("area-boundary"));
  var outline = boundary
    ? window.L.geoJSON(boundary, { style: { color: "#0b0c0c", weight: 2, fill: false } }).addTo(map)
    : null;
  var layer = window.L.geoJSON(collection, {
    style: function (feature) {
      var bin = feature.properties.bin;
      return {
        color: bin > 0 ? "#0b0c0c" : "#505a5f",
        weight: bin > 0 ? 1.5 : 0.5,
        fillColor: colours[bin] || colours[0],
        fillOpacity: bin === 0 ? 0.35 : 0.75,
      };
    },
    onEachFeature: function (feature, shape) {
      var p = feature.properties;
      shape.bindTooltip(
        (words[p.bin] || words[0]) + "<br>" + p.count + " incident" + (p.count === 1 ? "" : "s") +
          "<br>z = " + Number(p.z).toFixed(2),
      );
    },
  }).addTo(map);
  var bounds = outline ? outline.getBounds() : layer.getBounds();
  if (bounds.isValid()) {
    map.fitBounds(bounds, { padding: [12, 12] });
  } else {
    map.setView([54, -2], 6);
  }
})();
