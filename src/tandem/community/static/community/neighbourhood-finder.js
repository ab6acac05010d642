// The neighbourhood finder's map: selecting a point goes to ?lat=…&lng=…, which the server
// answers with the neighbourhood whose boundary holds it. The search and the list of areas
// work without this script.
(function () {
  "use strict";
  var element = document.getElementById("finder-map");
  if (!element || !window.L) {
    return;
  }
  var map = window.L.map(element, { scrollWheelZoom: false });
  window.L.tileLayer(element.getAttribute("data-tile-url"), {
    attribution: element.getAttribute("data-tile-attribution") || "",
    maxZoom: 19,
  }).addTo(map);
  var bounds = element.getAttribute("data-bounds");
  try {
    bounds = bounds ? JSON.parse(bounds) : null;
  } catch (error) {
    bounds = null;
  }
  if (bounds) {
    map.fitBounds(bounds);
  } else {
    map.setView([54, -2], 6);
  }
  map.on("click", function (event) {
    var url = element.getAttribute("data-finder-url");
    window.location.href =
      url + "?lat=" + event.latlng.lat.toFixed(6) + "&lng=" + event.latlng.lng.toFixed(6);
  });
})();
