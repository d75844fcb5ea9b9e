// Suggestions as you type in any industry field tied to <datalist id="industry-list">.
(function () {
  "use strict";
  var list = document.getElementById("industry-list");
  if (!list || !window.fetch) return;
  document.querySelectorAll("input[list=industry-list]").forEach(function (input) {
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2) return;
      timer = setTimeout(function () {
        fetch("/industries/suggest.json?q=" + encodeURIComponent(text))
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.textContent = "";
            data.results.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.title;
              option.label = item.label;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  });
})();
