/* Flywheel live connection (docs/chat.md): one WebSocket per page of a signed-in member.
   It makes the notification bell live and, on a chat room page, brings messages, edits,
   reactions, typing and read markers without reload. When WebSockets are unavailable the
   bell polls every minute and the room polls for new messages every few seconds. */
(function () {
  "use strict";

  var BELL_POLL_MS = 60000;
  var ROOM_POLL_MS = 4000;
  var TYPING_SEND_MS = 3000;
  var TYPING_SHOW_MS = 4000;
  var HEARTBEAT_MS = 30000;
  var READY_TIMEOUT_MS = 5000;

  var socket = null;
  var retries = 0;
  var room = null; // the chat room page's state, when on one
  var listeners = [];

  function isOpen() {
    return socket && socket.readyState === WebSocket.OPEN && document.body.dataset.live === "1";
  }

  function send(payload) {
    if (!isOpen()) return false;
    socket.send(JSON.stringify(payload));
    return true;
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function post(url, data) {
    var body = new URLSearchParams(data);
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
    });
  }

  function toast(message) {
    var container = document.getElementById("fw-toasts");
    if (!container || !message) return;
    var item = document.createElement("div");
    item.className = "toast show align-items-center border-0 text-bg-danger";
    item.setAttribute("role", "alert");
    var body = document.createElement("div");
    body.className = "toast-body";
    body.textContent = message;
    item.appendChild(body);
    container.appendChild(item);
    setTimeout(function () { item.remove(); }, 6000);
  }

  function errorText(response) {
    return response.text().then(function (text) {
      var holder = document.createElement("div");
      holder.innerHTML = text;
      return (holder.textContent || "").trim().slice(0, 300);
    });
  }

  // ------------------------------------------------------------------ the connection

  function connect() {
    if (!("WebSocket" in window)) return;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + window.location.host + "/ws/live/");
    } catch (error) {
      socket = null;
      return;
    }
    var current = socket;
    var readyTimer = null;
    socket.addEventListener("open", function () {
      // Live only once the server proves channel-layer events reach this connection.
      readyTimer = setTimeout(function () { current.close(); }, READY_TIMEOUT_MS);
    });
    socket.addEventListener("message", function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (error) { return; }
      if (data.type === "ready") {
        clearTimeout(readyTimer);
        retries = 0;
        document.body.dataset.live = "1";
        listeners.forEach(function (listener) { listener({ type: "open" }); });
        return;
      }
      if (data.type === "bell" && window.htmx) {
        window.htmx.trigger(document.body, "notifications-changed");
      }
      listeners.forEach(function (listener) { listener(data); });
    });
    socket.addEventListener("close", function () {
      clearTimeout(readyTimer);
      delete document.body.dataset.live;
      listeners.forEach(function (listener) { listener({ type: "close" }); });
      retries += 1;
      // Back off up to a minute; the polling fallbacks cover the gap.
      setTimeout(connect, Math.min(60000, 1000 * Math.pow(2, Math.min(retries, 6))));
    });
  }

  setInterval(function () {
    if (isOpen()) {
      send({ type: "ping" });
    }
  }, HEARTBEAT_MS);

  // The bell refreshes itself over the connection; without one it polls every minute.
  setInterval(function () {
    if (isOpen()) return;
    var bell = document.getElementById("notification-bell");
    if (!bell || bell.querySelector(".dropdown-menu.show") || !window.htmx) return;
    window.htmx.trigger(document.body, "bell-poll");
  }, BELL_POLL_MS);

  // ------------------------------------------------------------------ a chat room page

  function setupRoom(element) {
    var log = element.querySelector("[data-chat-log]");
    var composer = element.querySelector("[data-chat-composer]");
    var textarea = composer.querySelector("textarea");
    var status = element.querySelector("[data-chat-status]");
    var typingLine = element.querySelector("[data-chat-typing]");
    var markersScript = document.getElementById("fw-chat-read-markers");
    var state = {
      id: parseInt(element.dataset.roomId, 10),
      me: parseInt(element.dataset.memberId, 10),
      newest: parseInt(element.dataset.newestId || "0", 10),
      readSent: 0,
      markers: {},
      names: {},
      typing: {},
      lastTypingSent: 0,
    };
    var initial = [];
    try { initial = JSON.parse(markersScript ? markersScript.textContent : "[]"); } catch (error) { initial = []; }
    initial.forEach(function (marker) {
      state.markers[marker.member] = marker.message;
      state.names[marker.member] = marker.name;
    });

    function nearBottom() {
      return log.scrollHeight - log.scrollTop - log.clientHeight < 120;
    }

    function scrollToBottom() {
      log.scrollTop = log.scrollHeight;
    }

    function decorate(scope) {
      scope.querySelectorAll(".fw-chat-message").forEach(function (article) {
        if (parseInt(article.dataset.authorId || "0", 10) === state.me) {
          article.classList.add("is-mine");
        }
      });
    }

    function renderMarkers() {
      log.querySelectorAll(".fw-chat-readers").forEach(function (holder) { holder.textContent = ""; });
      var byMessage = {};
      Object.keys(state.markers).forEach(function (member) {
        if (parseInt(member, 10) === state.me) return;
        var messageId = state.markers[member];
        (byMessage[messageId] = byMessage[messageId] || []).push(state.names[member] || "");
      });
      Object.keys(byMessage).forEach(function (messageId) {
        var article = document.getElementById("message-" + messageId);
        if (!article) {
          // The marker points at a message not on the page (older, or deleted): show it on
          // the newest message before it that is.
          var candidates = log.querySelectorAll(".fw-chat-message");
          for (var i = candidates.length - 1; i >= 0; i--) {
            if (parseInt(candidates[i].dataset.messageId, 10) <= parseInt(messageId, 10)) {
              article = candidates[i];
              break;
            }
          }
        }
        if (!article) return;
        var holder = article.querySelector(".fw-chat-readers");
        var existing = holder.dataset.names ? holder.dataset.names.split("\u0000") : [];
        var names = existing.concat(byMessage[messageId]);
        holder.dataset.names = names.join("\u0000");
        holder.textContent = element.dataset.seenBy + " " + names.join(", ");
      });
      log.querySelectorAll(".fw-chat-readers").forEach(function (holder) { delete holder.dataset.names; });
    }

    function insertMessage(html) {
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var article = holder.querySelector(".fw-chat-message");
      if (!article) return;
      var id = parseInt(article.dataset.messageId, 10);
      if (document.getElementById("message-" + id)) return;
      var stick = nearBottom() || parseInt(article.dataset.authorId || "0", 10) === state.me;
      var first = log.querySelector("[data-chat-first]");
      if (first) first.remove();
      decorate(holder);
      log.appendChild(article);
      if (window.htmx) window.htmx.process(article);
      if (id > state.newest) state.newest = id;
      renderMarkers();
      if (stick) scrollToBottom();
      markRead();
    }

    function replaceMessage(html) {
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var article = holder.querySelector(".fw-chat-message");
      if (!article) return;
      var current = document.getElementById(article.id);
      if (!current) return;
      decorate(holder);
      current.replaceWith(article);
      if (window.htmx) window.htmx.process(article);
      renderMarkers();
    }

    function markRead() {
      if (document.visibilityState !== "visible" || state.newest <= state.readSent) return;
      state.readSent = state.newest;
      if (!send({ type: "read", room: state.id, message: state.newest })) {
        post(element.dataset.readUrl, { message: state.newest });
      }
    }

    function showTyping() {
      var now = Date.now();
      var names = Object.keys(state.typing).filter(function (member) {
        return now - state.typing[member].at < TYPING_SHOW_MS;
      }).map(function (member) { return state.typing[member].name; });
      if (!names.length) typingLine.textContent = "";
      else if (names.length === 1) typingLine.textContent = element.dataset.typingOne.replace("%(name)s", names[0]);
      else typingLine.textContent = element.dataset.typingMany;
    }
    setInterval(showTyping, 1000);

    function setStatus() {
      var live = isOpen();
      status.textContent = live ? element.dataset.liveLabel : element.dataset.pollingLabel;
      status.classList.toggle("is-live", live);
    }

    listeners.push(function (data) {
      if (data.type === "open") {
        send({ type: "join", room: state.id });
        setStatus();
        state.readSent = 0;
        markRead();
        poll(); // whatever arrived while the connection was down
        return;
      }
      if (data.type === "close") { setStatus(); return; }
      if (data.room !== state.id) {
        if (data.type === "chat.message" && data.author !== state.me) bumpUnread(data.room);
        return;
      }
      if (data.type === "chat.message") {
        delete state.typing[data.author];
        showTyping();
        insertMessage(data.html);
      }
      else if (data.type === "chat.update") replaceMessage(data.html);
      else if (data.type === "chat.typing") { state.typing[data.member] = { name: data.name, at: Date.now() }; showTyping(); }
      else if (data.type === "chat.read") {
        state.markers[data.member] = data.message;
        state.names[data.member] = data.name;
        if (state.typing[data.member]) delete state.typing[data.member];
        renderMarkers();
      } else if (data.type === "room.left") { window.location.reload(); }
      else if (data.type === "error" && data.message) { toast(data.message); }
    });

    function bumpUnread(roomId) {
      var badge = document.querySelector('[data-room-link="' + roomId + '"] .fw-chat-unread');
      if (!badge) return;
      var count = parseInt(badge.dataset.unread || "0", 10) + 1;
      badge.dataset.unread = String(count);
      badge.firstChild.textContent = String(count);
      badge.hidden = false;
    }

    function poll() {
      var url = element.dataset.messagesUrl + "?after=" + state.newest;
      return fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          if (!html.trim()) return;
          var holder = document.createElement("div");
          holder.innerHTML = html;
          holder.querySelectorAll(".fw-chat-message").forEach(function (article) {
            insertMessage(article.outerHTML);
          });
        })
        .catch(function () {});
    }
    setInterval(function () {
      if (!isOpen()) poll();
    }, ROOM_POLL_MS);

    function submit(event) {
      event.preventDefault();
      event.stopPropagation();
      var body = textarea.value.trim();
      if (!body) return;
      if (send({ type: "send", room: state.id, body: body, nonce: String(Date.now()) })) {
        textarea.value = "";
        return;
      }
      post(element.dataset.messagesUrl, { body: body }).then(function (response) {
        if (response.ok) {
          textarea.value = "";
          return response.text().then(insertMessage);
        }
        return errorText(response).then(toast);
      });
    }
    composer.removeAttribute("hx-post");
    composer.addEventListener("submit", submit, true);
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) submit(event);
    });
    textarea.addEventListener("input", function () {
      var now = Date.now();
      if (now - state.lastTypingSent > TYPING_SEND_MS) {
        state.lastTypingSent = now;
        send({ type: "typing", room: state.id });
      }
    });

    // Edit in place: the message's Markdown source is in the copy, hidden.
    log.addEventListener("click", function (event) {
      var button = event.target.closest("[data-chat-edit]");
      if (!button) return;
      var article = button.closest(".fw-chat-message");
      var source = article.querySelector(".fw-chat-source");
      var bodyElement = article.querySelector(".fw-chat-body");
      if (!source || article.querySelector(".fw-chat-edit-form")) return;
      var form = document.createElement("form");
      form.className = "fw-chat-edit-form d-flex gap-2";
      var input = document.createElement("textarea");
      input.className = "form-control form-control-sm";
      input.name = "body";
      input.value = source.textContent;
      var save = document.createElement("button");
      save.type = "submit";
      save.className = "btn btn-sm btn-primary";
      save.textContent = button.getAttribute("aria-label");
      form.appendChild(input);
      form.appendChild(save);
      bodyElement.hidden = true;
      bodyElement.after(form);
      input.focus();
      form.addEventListener("submit", function (submitEvent) {
        submitEvent.preventDefault();
        var url = element.dataset.editUrlTemplate.replace("/0/", "/" + article.dataset.messageId + "/");
        post(url, { body: input.value }).then(function (response) {
          if (response.ok) return response.text().then(replaceMessage);
          return errorText(response).then(toast);
        });
      });
    });

    // Reactions, deletion and flags post through htmx; their answer is the changed message
    // (the live event brings it too: replacing twice is harmless).
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var xhr = event.detail.xhr;
      var source = event.detail.elt;
      if (!xhr || xhr.status !== 200 || !source || !source.closest || !source.closest(".fw-chat-message")) return;
      if ((xhr.responseText || "").trim().indexOf("<article") === 0) replaceMessage(xhr.responseText);
    });

    // Earlier messages (infinite scroll upwards) keep the reader where they were.
    var heightBefore = 0;
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      if (event.detail.target && event.detail.target.matches && event.detail.target.matches("[data-chat-older]")) {
        heightBefore = log.scrollHeight - log.scrollTop;
      }
    });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      if (heightBefore) {
        decorate(log);
        renderMarkers();
        log.scrollTop = log.scrollHeight - heightBefore;
        heightBefore = 0;
      }
    });

    document.addEventListener("visibilitychange", markRead);
    decorate(log);
    renderMarkers();
    scrollToBottom();
    setStatus();
    if (!("WebSocket" in window)) markRead();
    room = state;
  }

  function start() {
    var roomElement = document.getElementById("fw-chat-room");
    if (roomElement) setupRoom(roomElement);
    connect();
    // Without a connection a room page must still mark what the member has read.
    setTimeout(function () {
      if (room && !isOpen() && room.newest > room.readSent) {
        room.readSent = room.newest;
        post(roomElement.dataset.readUrl, { message: room.newest });
      }
    }, 3000);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
