// The admin's map beside a latitude and longitude: click or drag to set them, type to move it.
// The admin loads form media in the page's head, so wait for the fields to exist.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll(".admin-map").forEach(function (element) {
    if (typeof L === "undefined") return;
    var lat = document.getElementById(element.dataset.latField);
    var lng = document.getElementById(element.dataset.lngField);
    if (!lat || !lng) return;
    element.style.height = "320px";
    element.style.width = "640px";
    element.style.maxWidth = "100%";
    var map = L.map(element);
    L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution, maxZoom: 19 }).addTo(map);
    var marker = null;
    function show() {
      var a = parseFloat(lat.value), b = parseFloat(lng.value);
      if (isNaN(a) || isNaN(b)) { map.setView([30, 0], 2); return; }
      if (marker) { marker.setLatLng([a, b]); } else {
        marker = L.marker([a, b], { draggable: true }).addTo(map);
        marker.on("dragend", function () { set(marker.getLatLng()); });
      }
      map.setView([a, b], Math.max(map.getZoom() || 0, 10));
    }
    function set(point) {
      lat.value = point.lat.toFixed(6);
      lng.value = (((point.lng + 540) % 360) - 180).toFixed(6);
      show();
    }
    map.on("click", function (event) { set(event.latlng); });
    lat.addEventListener("change", show);
    lng.addEventListener("change", show);
    show();
  });
});
