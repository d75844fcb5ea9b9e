// Draws the page's map from the JSON that the server put beside it (#map-data, #map-center).
// The same hubs are always listed in the page, so a failed tile or script loses nothing.
(function () {
  "use strict";
  var element = document.getElementById("map");
  var dataElement = document.getElementById("map-data");
  if (!element || !dataElement || typeof L === "undefined") return;
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var points = JSON.parse(dataElement.textContent);
  var centerElement = document.getElementById("map-center");
  var center = centerElement ? JSON.parse(centerElement.textContent) : null;

  element.textContent = "";
  var map = L.map(element, { scrollWheelZoom: false, keyboard: true });
  L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);

  var cluster = typeof L.markerClusterGroup === "function" ? L.markerClusterGroup({ maxClusterRadius: 40 }) : L.featureGroup();
  points.forEach(function (p) {
    var marker = L.marker([p.lat, p.lng], { title: p.name, alt: p.name });
    var popup = document.createElement("div");
    popup.className = "hub-popup";
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.name;
    popup.appendChild(link);
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(p.stage + " · " + p.members + " members"));
    marker.bindPopup(popup);
    cluster.addLayer(marker);
  });
  map.addLayer(cluster);

  var bounds = points.map(function (p) { return [p.lat, p.lng]; });
  if (center) {
    L.circleMarker([center.lat, center.lng], { radius: 8, color: "#b3261e", weight: 3, fillOpacity: 0.6 })
      .bindTooltip(center.label || "Your location").addTo(map);
    bounds.push([center.lat, center.lng]);
  }
  if (bounds.length > 1) {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 11 });
  } else if (bounds.length === 1) {
    map.setView(bounds[0], 9);
  } else {
    map.setView([30, 0], 2);
  }
})();
