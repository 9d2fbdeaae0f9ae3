/* Export progress: polls the job's JSON status (same origin) and updates the
   progress bar; shows the download link when the job is done. No libraries. */
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var status = document.getElementById("job-status");
  var count = document.getElementById("job-count");
  var error = document.getElementById("job-error");
  var download = document.getElementById("job-download");
  var link = document.getElementById("download-link");
  var delay = 1000;

  function show(data) {
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
    status.textContent = data.status_label + (data.finished ? "" : "（" + data.percent + "%）");
    count.textContent = data.done_rows.toLocaleString("zh-CN") +
      (data.total_rows ? " / " + data.total_rows.toLocaleString("zh-CN") : "") + " 行";
    if (data.error) { error.textContent = data.error; error.hidden = false; }
    if (data.download_url) { link.href = data.download_url; download.hidden = false; }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        show(data);
        if (!data.finished) { window.setTimeout(poll, delay); }
      })
      .catch(function () { delay = Math.min(delay * 2, 15000); window.setTimeout(poll, delay); });
  }
  poll();
}());
