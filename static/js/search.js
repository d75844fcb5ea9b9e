// Enhances the search form with "Use my location" (the browser's position, when allowed).
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  if (!form) return;

  var button = document.getElementById("use-location");
  var status = document.getElementById("geo-status");
  if (button && navigator.geolocation) {
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "Finding your location…";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(5);
          form.querySelector("[name=lng]").value = position.coords.longitude.toFixed(5);
          form.querySelector("[name=near]").value = "";
          status.textContent = "Searching near your location…";
          form.submit();
        },
        function () {
          status.textContent = "We couldn't get your location. Type a place or postcode instead.";
        },
        { timeout: 10000, maximumAge: 600000 }
      );
    });
  }
})();
