// Shows problems as markers on a Leaflet map. The page carries a GeoJSON FeatureCollection in
// <script type="application/json" id="problem-points"> (Django's json_script), or names it in
// data-points-url on #problem-map (fetched only by this script, so a visitor without JavaScript,
// who sees no map, never downloads it); the tile server is in data attributes on #problem-map,
// so no inline script is needed (CSP).
(function () {
  "use strict";
  var element = document.getElementById("problem-map");
  if (!element || !window.L) {
    return;
  }
  var url = element.getAttribute("data-points-url");
  if (url) {
    window
      .fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (points) {
        if (points) {
          draw(points);
        }
      })
      .catch(function () {});
    return;
  }
  var data = document.getElementById("problem-points");
  if (!data) {
    return;
  }
  var inline;
  try {
    inline = JSON.parse(data.textContent);
  } catch (error) {
    return;
  }
  draw(inline);

  function draw(points) {
    var map = window.L.map(element, { scrollWheelZoom: false });
    window.L.tileLayer(element.getAttribute("data-tile-url"), {
      attribution: element.getAttribute("data-tile-attribution") || "",
      maxZoom: 19,
    }).addTo(map);
    var layer = window.L.geoJSON(points, {
      pointToLayer: function (feature, latlng) {
        return window.L.circleMarker(latlng, { radius: 7, color: "#1d70b8", weight: 2, fillOpacity: 0.6 });
      },
      onEachFeature: function (feature, marker) {
        var p = feature.properties || {};
        var container = document.createElement("div");
        var link = document.createElement("a");
        link.className = "govuk-link";
        link.href = p.url;
        link.textContent = p.title;
        container.appendChild(link);
        var meta = document.createElement("p");
        meta.className = "govuk-body-s";
        meta.textContent = [p.category, p.status].filter(Boolean).join(" · ");
        container.appendChild(meta);
        marker.bindPopup(container);
      },
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [16, 16], maxZoom: 16 });
    } else {
      map.setView([54, -2], 6);
    }
  }
})();
