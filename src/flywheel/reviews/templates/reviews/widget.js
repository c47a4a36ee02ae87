{% autoescape off %}(function () {
  "use strict";
  var base = "{{ base|escapejs }}";
  var nodes = document.querySelectorAll("[data-flywheel-reviews]");
  for (var i = 0; i < nodes.length; i++) {
    var id = parseInt(nodes[i].getAttribute("data-flywheel-reviews"), 10);
    if (!id) continue;
    var frame = document.createElement("iframe");
    frame.src = base + "/widget/products/" + id + "/reviews/";
    frame.title = "Reviews";
    frame.loading = "lazy";
    frame.setAttribute("sandbox", "allow-popups allow-popups-to-escape-sandbox");
    frame.style.width = "100%";
    frame.style.minHeight = "480px";
    frame.style.border = "0";
    nodes[i].appendChild(frame);
  }
})();
{% endautoescape %}
