// Images in topic and reply composers: a file picker button, paste from the clipboard and
// drag and drop onto the textarea. Each file is uploaded on its own (XMLHttpRequest, for its
// upload progress) to the textarea's data-image-upload URL; the answer's Markdown is inserted
// at the cursor. The server checks everything (community.services.upload_post_image); this
// file only makes it pleasant. Loaded as a static file: no inline script (CSP).
(function () {
  "use strict";

  var ACCEPT = "image/png,image/jpeg,image/gif,image/webp";

  function csrfToken(textarea) {
    var form = textarea.form;
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function altFor(file, fallback) {
    var name = (file.name || "").replace(/\.[a-z0-9]+$/i, "").replace(/[\[\]()\\\n\r]/g, " ");
    name = name.trim().slice(0, 80);
    return name || fallback;
  }

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    var before = textarea.value.slice(0, start), after = textarea.value.slice(end);
    var lead = before && !/\n$/.test(before) ? "\n" : "";
    var trail = after && !/^\n/.test(after) ? "\n" : "";
    textarea.value = before + lead + text + trail + after;
    var caret = (before + lead + text + trail).length;
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function imageFiles(list) {
    var files = [];
    for (var i = 0; list && i < list.length; i++) {
      var item = list[i];
      var file = item.getAsFile ? (item.kind === "file" ? item.getAsFile() : null) : item;
      if (file && /^image\//.test(file.type || "")) files.push(file);
    }
    return files;
  }

  function upload(textarea, list, file) {
    var data = textarea.dataset;
    var row = document.createElement("li");
    row.className = "fw-upload small d-flex align-items-center gap-2 mb-1";
    row.dataset.state = "uploading";
    var name = document.createElement("span");
    name.className = "fw-upload-name text-truncate";
    name.textContent = file.name || data.imageAlt;
    var bar = document.createElement("progress");
    bar.className = "fw-upload-progress";
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", name.textContent);
    var status = document.createElement("span");
    status.className = "fw-upload-status";
    status.setAttribute("role", "status");
    status.textContent = "0%";
    row.append(name, bar, status);
    list.appendChild(row);

    function fail(message) {
      row.dataset.state = "failed";
      row.classList.add("text-danger");
      status.textContent = message || data.imageFailed;
    }

    var body = new FormData();
    body.append("image", file, file.name || "image");
    var request = new XMLHttpRequest();
    request.open("POST", data.imageUpload);
    request.setRequestHeader("X-CSRFToken", csrfToken(textarea));
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) return;
      var percent = Math.round((event.loaded / event.total) * 100);
      bar.value = percent;
      status.textContent = percent + "%";
    });
    request.addEventListener("load", function () {
      var answer = null;
      try {
        answer = JSON.parse(request.responseText);
      } catch (error) {
        answer = null;
      }
      if (request.status >= 200 && request.status < 300 && answer && answer.url) {
        bar.value = 100;
        row.dataset.state = "done";
        status.textContent = "100% · " + data.imageDone;
        insertAtCursor(textarea, "![" + altFor(file, data.imageAlt) + "](" + answer.url + ")\n");
      } else {
        fail(answer && answer.error);
      }
    });
    request.addEventListener("error", function () { fail(); });
    request.send(body);
  }

  function setUp(textarea) {
    if (textarea.dataset.imageReady) return;
    textarea.dataset.imageReady = "1";
    var data = textarea.dataset;
    var tools = document.createElement("div");
    tools.className = "fw-image-tools d-flex flex-wrap align-items-center gap-2 mt-2";
    var picker = document.createElement("input");
    picker.type = "file";
    picker.accept = ACCEPT;
    picker.multiple = true;
    picker.className = "visually-hidden";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-outline-secondary fw-image-button";
    var icon = document.createElement("i");
    icon.className = "bi bi-image me-1";
    icon.setAttribute("aria-hidden", "true");
    button.append(icon, document.createTextNode(data.imageButton));
    var hint = document.createElement("span");
    hint.className = "form-text m-0";
    hint.textContent = data.imageHint;
    var list = document.createElement("ul");
    list.className = "fw-uploads list-unstyled mt-2 mb-0";
    tools.append(button, picker, hint);
    textarea.insertAdjacentElement("afterend", list);
    textarea.insertAdjacentElement("afterend", tools);

    function send(files) {
      files.forEach(function (file) { upload(textarea, list, file); });
    }

    button.addEventListener("click", function () { picker.click(); });
    picker.addEventListener("change", function () {
      send(imageFiles(picker.files));
      picker.value = "";
    });
    textarea.addEventListener("paste", function (event) {
      var clipboard = event.clipboardData;
      var files = imageFiles(clipboard && (clipboard.files.length ? clipboard.files : clipboard.items));
      if (files.length) {
        event.preventDefault();
        send(files);
      }
    });
    textarea.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
        event.preventDefault();
        textarea.classList.add("fw-drop-target");
      }
    });
    textarea.addEventListener("dragleave", function () { textarea.classList.remove("fw-drop-target"); });
    textarea.addEventListener("drop", function (event) {
      textarea.classList.remove("fw-drop-target");
      var files = imageFiles(event.dataTransfer && event.dataTransfer.files);
      if (files.length) {
        event.preventDefault();
        send(files);
      }
    });
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("textarea[data-image-upload]").forEach(setUp);
  }

  document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  document.body && document.body.addEventListener("htmx:afterSwap", function (event) {
    setUpAll(event.target);
  });
})();
