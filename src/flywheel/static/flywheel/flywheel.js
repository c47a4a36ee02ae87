/* Flywheel: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  function showToast(message, tone) {
    var container = document.getElementById("fw-toasts");
    if (!container || !message) return;
    var toast = document.createElement("div");
    toast.className = "toast align-items-center border-0 text-bg-" + (tone || "danger");
    toast.setAttribute("role", "alert");
    toast.setAttribute("aria-live", "assertive");
    toast.setAttribute("aria-atomic", "true");
    var row = document.createElement("div");
    row.className = "d-flex";
    var body = document.createElement("div");
    body.className = "toast-body";
    body.textContent = message;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close btn-close-white me-2 m-auto";
    close.setAttribute("data-bs-dismiss", "toast");
    close.setAttribute("aria-label", container.dataset.closeLabel || "Close");
    row.appendChild(body);
    row.appendChild(close);
    toast.appendChild(row);
    container.appendChild(toast);
    if (window.bootstrap && window.bootstrap.Toast) {
      var instance = new window.bootstrap.Toast(toast, { delay: 6000 });
      toast.addEventListener("hidden.bs.toast", function () { toast.remove(); });
      instance.show();
    } else {
      toast.classList.add("show");
      setTimeout(function () { toast.remove(); }, 6000);
    }
  }

  function messageFrom(xhr) {
    var text = (xhr && xhr.responseText) || "";
    var holder = document.createElement("div");
    holder.innerHTML = text;
    var error = holder.querySelector(".fw-inline-error");
    return ((error || holder).textContent || "").trim().slice(0, 300);
  }

  // htmx does not swap 4xx/5xx answers; show the server's message instead of doing nothing.
  document.addEventListener("htmx:responseError", function (event) {
    var container = document.getElementById("fw-toasts");
    showToast(messageFrom(event.detail.xhr) || (container && container.dataset.genericError));
  });
  document.addEventListener("htmx:sendError", function () {
    var container = document.getElementById("fw-toasts");
    showToast(container && container.dataset.networkError);
  });

  // After a swap, give keyboard focus back when it was inside the replaced control
  // (a reaction bar, a join or follow button); background swaps leave focus alone.
  var hadFocusId = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    hadFocusId = target && target.id && target.contains(document.activeElement) ? target.id : null;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var id = hadFocusId;
    hadFocusId = null;
    if (!id) return;
    var fresh = document.getElementById(id);
    var button = fresh && fresh.querySelector("button[aria-pressed='true'], button");
    if (button) button.focus({ preventScroll: true });
  });

  // Focus the error summary of a re-rendered form so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("form-errors");
    if (summary) summary.focus();
  });

  // Copy buttons: <button data-fw-copy="#input-id"> copies that field's value (no inline JS:
  // the Content-Security-Policy allows scripts from our own files only).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-fw-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-fw-copy"));
    if (source && navigator.clipboard) navigator.clipboard.writeText(source.value || source.textContent);
  });

  // Progress bars: <div class="progress-bar" data-fw-progress="42"> (a style="" attribute would
  // be blocked: the CSP sends style-src-attr 'none'; setting it from script is allowed).
  function applyProgress(root) {
    root.querySelectorAll("[data-fw-progress]").forEach(function (bar) {
      var percent = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-fw-progress")) || 0));
      bar.style.width = percent + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { applyProgress(document); });
  document.addEventListener("htmx:afterSwap", function (event) { applyProgress(event.detail.target); });

  // A page a CDN served to every signed-out visitor carries no CSRF token (core/edge_cache.py).
  // Before such a form is sent, fetch this visitor's token (and cookie), then send it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var field = form.querySelector && form.querySelector("input[name='csrfmiddlewaretoken']");
    if (!field || field.value) return;
    event.preventDefault();
    var submitter = event.submitter;
    fetch("/csrf-token", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        field.value = data.token;
        if (submitter && form.requestSubmit) form.requestSubmit(submitter);
        else form.submit();
      });
  });

  window.flywheel = { showToast: showToast };
})();
