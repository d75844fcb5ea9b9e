// Draws the page's map from the JSON that the server put beside it (#map-data, #map-center).
// The same hubs are always listed in the page, so a failed tile or script loses nothing.
(function () {
  "use strict";
  var element = document.getElementById("map");
  var dataElement = document.getElementById("map-data");
  if (!element || !dataElement || typeof L === "undefined") return;
  var APPROXIMATE_RADIUS_M = 3000;
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var points = JSON.parse(dataElement.textContent);
  var centerElement = document.getElementById("map-center");
  var center = centerElement ? JSON.parse(centerElement.textContent) : null;

  // In an embed on another site, a link followed inside the frame would meet a page that
  // refuses framing: links open in a new tab instead.
  var embedded = document.body.classList.contains("embed");

  element.textContent = "";
  var map = L.map(element, { scrollWheelZoom: false, keyboard: true });
  L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);

  var cluster = typeof L.markerClusterGroup === "function" ? L.markerClusterGroup({ maxClusterRadius: 40 }) : L.featureGroup();
  points.forEach(function (p) {
    // A point that stands for a town (a home-based business) is drawn as an area, not a pin.
    var marker = p.approximate
      ? L.circle([p.lat, p.lng], { radius: APPROXIMATE_RADIUS_M, color: "#0b5d6b", weight: 2 })
      : L.marker([p.lat, p.lng], { title: p.name, alt: p.name });
    var popup = document.createElement("div");
    popup.className = "hub-popup";
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.name;
    if (embedded) {
      link.target = "_blank";
      link.rel = "noopener";
    }
    popup.appendChild(link);
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(p.detail || p.stage + " · " + p.members + " members"));
    marker.bindPopup(popup);
    // Clusters are for pins; an area is drawn on the map itself.
    (p.approximate ? map : cluster).addLayer(marker);
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
    map.setView(bounds[0], (points.length && points[0].zoom) || 9);
  } else {
    map.setView([30, 0], 2);
  }
})();
