// Progressive enhancement of the upload form: a real progress bar while files are sent.
// Without JavaScript the form posts normally and works the same.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var box = document.getElementById("upload-progress");
  var bar = document.getElementById("upload-bar");
  var status = document.getElementById("upload-status");

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action") || window.location.href);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        var percent = Math.round((e.loaded / e.total) * 100);
        bar.value = percent;
        bar.textContent = percent + " %";
        status.textContent = percent + " %";
      }
    });
    xhr.addEventListener("load", function () {
      var data = {};
      try { data = JSON.parse(xhr.responseText); } catch (err) { data = {}; }
      if (xhr.status >= 200 && xhr.status < 300 && data.redirect) {
        status.textContent = data.message || "";
        window.location.assign(data.redirect);
        return;
      }
      button.disabled = false;
      box.hidden = true;
      if (data.errors && data.errors.length) {
        var list = form.querySelector(".form-errors") || document.createElement("div");
        list.className = "form-errors";
        list.setAttribute("role", "alert");
        list.textContent = "";
        data.errors.forEach(function (message) {
          var p = document.createElement("p");
          p.textContent = message;
          list.appendChild(p);
        });
        form.insertBefore(list, form.firstChild);
        list.scrollIntoView();
      } else {
        form.submit(); // unexpected answer: fall back to a normal post
      }
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      box.hidden = true;
      status.textContent = "";
      form.submit();
    });
    button.disabled = true;
    box.hidden = false;
    bar.value = 0;
    xhr.send(new FormData(form));
  });
})();
