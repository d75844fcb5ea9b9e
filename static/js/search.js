// Enhances the search form: industry suggestions as you type, and "Use my location".
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  if (!form) return;

  var industry = form.querySelector("[name=industry]");
  var list = document.getElementById("industry-list");
  var timer = null;
  if (industry && list && window.fetch) {
    industry.addEventListener("input", function () {
      clearTimeout(timer);
      var text = industry.value.trim();
      if (text.length < 2) return;
      timer = setTimeout(function () {
        fetch("/industries/suggest.json?q=" + encodeURIComponent(text))
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.textContent = "";
            data.results.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.title;
              option.label = item.code;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  }

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
