// Progressive enhancement for the resident screens; every page works without it.
// 1. Upload progress: a form with data-upload-progress sends through XHR and fills its
//    <progress>; the server's answer (the next page, or this one with errors) replaces it.
// 2. Errors: the error summary takes the focus, so screen readers announce it first.
// 3. Send once: a form with data-submit-once disables its button after the first press
//    (the server is idempotent anyway; this only avoids a confusing second wait).
(function () {
  "use strict";
  function withFiles(form) {
    var inputs = form.querySelectorAll('input[type="file"]');
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].files && inputs[i].files.length) { return true; }
    }
    return false;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".mg-error-summary");
    if (summary) { summary.focus(); }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-submit-once")) {
      if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
      form.setAttribute("data-sent", "1");
    }
    if (!form.hasAttribute("data-upload-progress") || !withFiles(form) || !window.FormData) { return; }
    var bar = form.querySelector("progress");
    if (!bar) { return; }
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) { data.append(event.submitter.name, event.submitter.value); }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    bar.hidden = false;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); }
    });
    xhr.addEventListener("load", function () {
      if (xhr.responseURL && xhr.responseURL !== window.location.href) {
        window.location.assign(xhr.responseURL);
      } else {
        document.open(); document.write(xhr.responseText); document.close();
      }
    });
    xhr.addEventListener("error", function () { bar.hidden = true; form.submit(); });
    xhr.send(data);
  });
})();
