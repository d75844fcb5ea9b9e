// Enhances owners' forms with a map to drop a pin on, filling the hidden latitude and longitude.
(function () {
  "use strict";
  var element = document.getElementById("pin-map");
  if (!element || typeof L === "undefined") return;
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var latField = document.getElementById(element.dataset.latField);
  var lngField = document.getElementById(element.dataset.lngField);
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  var marker = null;
  function place(latlng) {
    var lat = Math.max(-90, Math.min(90, latlng.lat));
    var lng = ((latlng.lng + 540) % 360) - 180;
    if (marker) { marker.setLatLng([lat, lng]); } else { marker = L.marker([lat, lng], { draggable: true }).addTo(map); marker.on("dragend", function () { place(marker.getLatLng()); }); }
    latField.value = lat.toFixed(6);
    lngField.value = lng.toFixed(6);
  }
  if (latField.value && lngField.value) {
    place({ lat: parseFloat(latField.value), lng: parseFloat(lngField.value) });
    map.setView([parseFloat(latField.value), parseFloat(lngField.value)], 12);
  } else {
    map.setView([39, -96], 3);
  }
  map.on("click", function (event) { place(event.latlng); });
})();
