// The map pin picker on the problem form. Without JavaScript (or without Leaflet) the latitude
// and longitude fields work on their own and the picker stays hidden. With it, clicking or
// tapping the map, dragging the pin, or the "Put the pin at the centre of the map" button (for
// keyboard users) fills in both fields; typing in the fields moves the pin; "Remove the pin"
// clears them. The map opens on the pin, else on the partnership's areas (their bounds are in
// <script type="application/json" id="pin-bounds">, Django's json_script), else on the UK. The
// tile server is in data attributes on #pin-map, so no inline script is needed (CSP). When the
// page has a radius select (#id_radius, the before/after comparison's circle), the pin draws it.
(function () {
  "use strict";
  var picker = document.getElementById("pin-picker");
  var element = document.getElementById("pin-map");
  var latitude = document.getElementById("id_latitude");
  var longitude = document.getElementById("id_longitude");
  if (!picker || !element || !latitude || !longitude || !window.L) {
    return;
  }
  var L = window.L;
  var status = document.getElementById("pin-status");
  var UK = [
    [49.9, -8.2],
    [60.9, 1.8],
  ];
  var PIN_ZOOM = 16;

  function readBounds() {
    var data = document.getElementById("pin-bounds");
    if (!data) {
      return null;
    }
    try {
      var bounds = JSON.parse(data.textContent);
      return bounds && L.latLngBounds(bounds).isValid() ? bounds : null;
    } catch (error) {
      return null;
    }
  }

  function number(input, limit) {
    var text = input.value.trim();
    if (text === "") {
      return null;
    }
    var value = Number(text);
    return isFinite(value) && Math.abs(value) <= limit ? value : null;
  }

  // The pin the fields describe, or null when they do not give both numbers.
  function fromFields() {
    var lat = number(latitude, 90);
    var lng = number(longitude, 180);
    return lat === null || lng === null ? null : L.latLng(lat, lng);
  }

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  picker.hidden = false;
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.getAttribute("data-tile-url"), {
    attribution: element.getAttribute("data-tile-attribution") || "",
    maxZoom: 19,
  }).addTo(map);
  // A cross marks the centre of the map: where the keyboard button puts the pin.
  var crosshair = document.createElement("div");
  crosshair.className = "tandem-pin-picker__crosshair";
  crosshair.setAttribute("aria-hidden", "true");
  element.appendChild(crosshair);

  var marker = null;
  var radius = document.getElementById("id_radius");
  var circle = null;

  function drawCircle() {
    var metres = radius ? Number(radius.value) : 0;
    if (!marker || !isFinite(metres) || metres <= 0) {
      if (circle) {
        map.removeLayer(circle);
        circle = null;
      }
      return;
    }
    if (circle) {
      circle.setLatLng(marker.getLatLng());
      circle.setRadius(metres);
    } else {
      circle = L.circle(marker.getLatLng(), { radius: metres, weight: 2, interactive: false }).addTo(map);
    }
  }

  function showPin(latlng) {
    if (marker) {
      marker.setLatLng(latlng);
      drawCircle();
      return;
    }
    marker = L.marker(latlng, { draggable: true, keyboard: false, alt: element.getAttribute("data-pin-alt") || "The map pin" }).addTo(map);
    marker.on("dragend", function () {
      putPin(marker.getLatLng());
    });
    drawCircle();
  }

  function hidePin() {
    if (marker) {
      map.removeLayer(marker);
      marker = null;
    }
    drawCircle();
  }

  // Put the pin here and fill in the fields (about 10 cm precision).
  function putPin(latlng) {
    var point = latlng.wrap();
    var lat = point.lat.toFixed(6);
    var lng = point.lng.toFixed(6);
    latitude.value = lat;
    longitude.value = lng;
    showPin(L.latLng(Number(lat), Number(lng)));
    say("The pin is at latitude " + lat + ", longitude " + lng + ".");
  }

  var start = fromFields();
  if (start) {
    map.setView(start, PIN_ZOOM);
    showPin(start);
  } else {
    map.fitBounds(readBounds() || UK, { padding: [12, 12], maxZoom: PIN_ZOOM });
  }

  map.on("click", function (event) {
    putPin(event.latlng);
  });

  document.getElementById("pin-centre").addEventListener("click", function () {
    putPin(map.getCenter());
  });

  document.getElementById("pin-remove").addEventListener("click", function () {
    latitude.value = "";
    longitude.value = "";
    hidePin();
    say("The pin has been removed.");
  });

  function followFields() {
    var latlng = fromFields();
    if (!latlng) {
      hidePin();
      return;
    }
    showPin(latlng);
    if (!map.getBounds().contains(latlng)) {
      map.panTo(latlng);
    }
  }
  if (radius) {
    radius.addEventListener("change", drawCircle);
  }
  latitude.addEventListener("input", followFields);
  longitude.addEventListener("input", followFields);
})();
