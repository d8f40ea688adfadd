// Live forums: new posts appear in an open topic, unread counts follow on the index and
// category pages. Progressive enhancement only: without JavaScript or WebSockets (blocked,
// proxy without upgrade, server down) the pages stay as served and work fully.
//
// The socket carries ids only (forums/live.py); what is shown is always fetched from the
// server's permission-checked views, rendered for this reader. Never inject socket data as HTML.
(function () {
  "use strict";
  var root = document.getElementById("forums-live");
  if (!root || !("WebSocket" in window) || !window.fetch || !window.DOMParser) { return; }

  var data = root.dataset;
  var status = document.getElementById("forums-live-status");
  var notice = root.querySelector(".live-notice");
  var MAX_ATTEMPTS = 10;
  var socket = null;
  var attempts = 0;
  var stopped = false;
  var subscribedOnce = false;

  function text(template, values) {
    return Object.keys(values).reduce(function (result, key) {
      return result.split("__" + key + "__").join(String(values[key]));
    }, template || "");
  }

  // The URLs of the page end in /0/ where the id goes (rendered by the server for id 0).
  function withId(url, id) {
    var at = url.lastIndexOf("/0/");
    return url.slice(0, at) + "/" + encodeURIComponent(id) + "/" + url.slice(at + 3);
  }

  function announce(message) {
    if (!message) { return; }
    // Emptied first so that the same words twice in a row are announced twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function showNotice(label, action) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button-small";
    button.textContent = label;
    button.addEventListener("click", action);
    notice.replaceChildren(button);
    notice.hidden = false;
  }

  function hideNotice() {
    notice.hidden = true;
    notice.replaceChildren();
  }

  function reload() { window.location.reload(); }

  function fetchHtml(url) {
    return window.fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        // A redirect means the session ended (login page): keep the page as it is.
        if (!response.ok || response.redirected) { throw new Error("unavailable"); }
        return response.text();
      })
      .then(function (html) { return new DOMParser().parseFromString(html, "text/html"); });
  }

  // --- topic page ---------------------------------------------------------------------------

  function TopicPage() {
    var list = document.querySelector(".forum-posts");
    var pending = new Set();
    var loading = false;
    var again = false;

    function numberOf(article) { return parseInt(article.id.replace("message-", ""), 10) || 0; }

    function lastShown() {
      var numbers = Array.prototype.map.call(list.querySelectorAll("article.forum-post"), numberOf);
      return numbers.length ? Math.max.apply(null, numbers) : 0;
    }

    function atBottom() {
      return list.getBoundingClientRect().bottom <= window.innerHeight + 120;
    }

    function showPending() {
      var count = pending.size;
      var label = count === 1 ? data.msgPendingOne : text(data.msgPendingMany, { N: count });
      showNotice(label, function () { load({ read: true, focus: true }); });
    }

    function load(options) {
      if (loading) { again = true; return; }
      loading = true;
      var url = new URL(data.fragment, window.location.href);
      url.searchParams.set("after", String(lastShown()));
      if (options.read) { url.searchParams.set("read", "1"); }
      fetchHtml(url).then(function (doc) {
        var added = [];
        doc.querySelectorAll("article.forum-post").forEach(function (fresh) {
          if (!options.read) { pending.add(numberOf(fresh)); return; }
          if (document.getElementById(fresh.id)) { return; }
          var article = document.importNode(fresh, true);
          article.classList.add("is-live");
          list.appendChild(article);
          added.push(article);
        });
        if (!options.read) {
          if (pending.size) { showPending(); }
          return;
        }
        var shown = lastShown();
        pending.forEach(function (n) { if (n <= shown) { pending.delete(n); } });
        if (pending.size) { showPending(); } else { hideNotice(); }
        if (added.length === 1) {
          var title = added[0].querySelector("h3");
          announce(text(data.msgShownOne, { TITLE: title ? title.textContent.trim() : "" }));
        } else if (added.length > 1) {
          announce(text(data.msgShownMany, { N: added.length }));
        }
        if (options.focus && added.length) {
          added[0].tabIndex = -1;
          added[0].focus();
          added[0].scrollIntoView({ block: "start" });
        }
      }).catch(function () { /* the next event or a reload will show it */ }).finally(function () {
        loading = false;
        if (again) { again = false; load({ read: atBottom() && notice.hidden, focus: false }); }
      });
    }

    function replacePost(message) {
      var current = document.getElementById("message-" + message.number);
      if (!current) { return; }
      var url = withId(data.postFragment, message.post);
      fetchHtml(url).then(function (doc) {
        var fresh = doc.querySelector("article.forum-post");
        if (!fresh || !current.parentNode) { return; }
        var hadFocus = current.contains(document.activeElement);
        var article = document.importNode(fresh, true);
        current.replaceWith(article);
        if (hadFocus) { article.tabIndex = -1; article.focus(); }
        announce(text(data.msgPostChanged, { N: message.number }));
      }).catch(function () { /* stays as it was */ });
    }

    this.subscription = { subscribe: "topic", id: parseInt(data.topic, 10) };

    this.onEvent = function (message) {
      if (message.scope !== "topic") { return; }
      if (message.kind === "post.created") {
        if (data.lastPage !== "1") {
          showNotice(data.msgElsewhere, function () {
            window.location.assign(withId(data.permalink, message.post));
          });
          return;
        }
        if (message.number <= lastShown()) { return; }
        pending.add(message.number);
        if (atBottom() && notice.hidden) { load({ read: true, focus: false }); } else { showPending(); }
      } else if (message.kind === "post.changed") {
        replacePost(message);
      } else if (message.kind === "topic.changed") {
        showNotice(data.msgTopicChanged, reload);
        announce(data.msgTopicChanged);
      }
    };

    this.onLost = function () { showNotice(data.msgTopicChanged, reload); };

    // Back after a cut: what was posted meanwhile was never announced.
    this.resync = function () {
      if (data.lastPage === "1") { load({ read: atBottom() && notice.hidden, focus: false }); }
    };
  }

  // --- index and category pages -------------------------------------------------------------

  function SpacePage() {
    var timer = null;
    var loading = false;
    var again = false;

    function normalised(element) { return element.textContent.replace(/\s+/g, " ").trim(); }

    function adopt(current, fresh) {
      current.className = fresh.className;
      current.replaceChildren.apply(current, Array.prototype.map.call(fresh.childNodes, function (node) {
        return document.importNode(node, true);
      }));
    }

    function apply(doc) {
      var changes = [];
      var unknown = false;
      doc.querySelectorAll("[data-live-row]").forEach(function (fresh) {
        var current = document.getElementById(fresh.id);
        if (!current) { unknown = true; return; }
        // Never pull a row from under the keyboard focus; the next refresh will catch up.
        if (normalised(current) === normalised(fresh) || current.contains(document.activeElement)) {
          return;
        }
        adopt(current, fresh);
        var name = current.querySelector("th a");
        var unread = current.querySelector("[data-live-unread]");
        if (name && unread) {
          changes.push(text(data.msgRowChanged, { NAME: normalised(name), UNREAD: normalised(unread) }));
        }
      });
      doc.querySelectorAll("[data-live-block]").forEach(function (fresh) {
        var current = document.getElementById(fresh.id);
        if (current && normalised(current) !== normalised(fresh) &&
            !current.contains(document.activeElement)) {
          adopt(current, fresh);
        }
      });
      if (unknown) { showNotice(data.msgNewRows, reload); }
      announce(changes.join(" ; "));
    }

    function refresh() {
      if (loading) { again = true; return; }
      loading = true;
      fetchHtml(window.location.href).then(apply).catch(function () { /* keep the page */ })
        .finally(function () {
          loading = false;
          if (again) { again = false; later(); }
        });
    }

    // Coalesce bursts, and spread the readers of a busy space over a second or so.
    function later() {
      if (timer) { return; }
      timer = window.setTimeout(function () { timer = null; refresh(); }, 300 + Math.random() * 1200);
    }

    this.subscription = { subscribe: "space", slug: data.space };

    this.onEvent = function (message) {
      if (message.scope !== "space") { return; }
      if (data.category && message.kind !== "topic.changed" &&
          String(message.category) !== data.category) { return; }
      later();
    };

    this.onLost = function () {};
    this.resync = later;
  }

  // --- the socket ---------------------------------------------------------------------------

  var page = data.topic ? new TopicPage() : new SpacePage();

  function onMessage(event) {
    var message;
    try { message = JSON.parse(event.data); } catch (err) { return; }
    if (message.subscribed) {
      root.dataset.liveState = "subscribed";
      if (subscribedOnce) { page.resync(); }
      subscribedOnce = true;
      attempts = 0;
    } else if (message.error) {
      // Refused (no longer a member, access changed): retrying would not change the answer.
      root.dataset.liveState = "refused";
      stopped = true;
      socket.close();
    } else if (message.unsubscribed) {
      page.onLost();
    } else if (message.kind) {
      page.onEvent(message);
    }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + window.location.host + data.socket);
    } catch (err) {
      return;
    }
    socket.addEventListener("open", function () {
      socket.send(JSON.stringify(page.subscription));
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function (event) {
      if (root.dataset.liveState !== "refused") { root.dataset.liveState = "closed"; }
      // 4000-4999: the server closed on purpose; the same request would get the same answer.
      if (stopped || (event.code >= 4000 && event.code < 5000) || attempts >= MAX_ATTEMPTS) {
        return;
      }
      // Exponential backoff with jitter, from 1 s up to a minute.
      var delay = Math.min(60000, 1000 * Math.pow(2, attempts)) * (0.5 + Math.random() / 2);
      attempts += 1;
      window.setTimeout(connect, delay);
    });
  }

  window.addEventListener("pagehide", function () {
    stopped = true;
    if (socket) { socket.close(); }
  });
  window.addEventListener("pageshow", function (event) {
    // Back from the browser's cache: the old socket was closed on the way out.
    if (event.persisted) { stopped = false; attempts = 0; connect(); }
  });
  connect();
}());
