// The web drive's own behaviour (the rest is htmx and plain forms): uploads with a progress bar per file, cancel,
// drag and drop, and the share dialog's copy button. Each File goes to the server as the XHR body's multipart part,
// read by the browser from disk as it is sent, so a file of several GiB never sits in memory here.
(function () {
  'use strict';
  var body = document.body;
  var csrf = body.getAttribute('data-csrf');
  var folder = body.getAttribute('data-folder') || '0';
  var list = document.getElementById('uploads');
  var input = document.getElementById('upload-input');
  var drop = document.getElementById('drop');
  var pending = 0;
  var changed = false;

  function text(key) { return body.getAttribute('data-t-' + key) || key; }

  function uploadOne(file) {
    var li = document.createElement('li');
    li.className = 'upload';
    var name = document.createElement('span');
    name.className = 'uname';
    name.textContent = file.name;
    var bar = document.createElement('progress');
    bar.max = file.size || 1;
    bar.value = 0;
    bar.setAttribute('aria-label', file.name);
    var state = document.createElement('span');
    state.className = 'ustate';
    var cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'ucancel';
    cancel.textContent = text('cancel');
    cancel.setAttribute('aria-label', text('cancel') + ' ' + file.name);
    li.appendChild(name); li.appendChild(bar); li.appendChild(state); li.appendChild(cancel);
    list.appendChild(li);

    var xhr = new XMLHttpRequest();
    var form = new FormData();
    form.append('file', file, file.name);
    xhr.open('POST', '/drive/upload?folder=' + encodeURIComponent(folder));
    xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        bar.max = e.total;
        bar.value = e.loaded;
        state.textContent = Math.floor(100 * e.loaded / e.total) + '%';
      }
    };
    function finish(ok, msg) {
      li.setAttribute('data-state', ok);
      state.textContent = msg;
      cancel.remove();
      pending--;
      if (pending === 0 && changed) {
        // the list now holds the new files: load it again (keeps the scroll position's page)
        setTimeout(function () { window.location.reload(); }, 600);
      }
    }
    xhr.onload = function () {
      var ok = false, hint = '';
      try {
        var env = JSON.parse(xhr.responseText);
        ok = xhr.status === 200 && env.code === 0;
        hint = env.msg || env.message || (env.code ? String(env.code) : '');
      } catch (err) { hint = String(xhr.status); }
      if (ok) {
        bar.value = bar.max;
        changed = true;
        finish('done', text('done'));
      } else {
        finish('failed', text('failed') + ' ' + hint);
      }
    };
    xhr.onerror = function () { finish('failed', text('failed')); };
    xhr.onabort = function () { finish('cancelled', text('cancelled')); };
    cancel.addEventListener('click', function () { xhr.abort(); });
    pending++;
    xhr.send(form);
  }

  function uploadAll(files) {
    for (var i = 0; i < files.length; i++) {
      uploadOne(files[i]);
    }
  }

  if (input && list) {
    input.addEventListener('change', function () {
      uploadAll(input.files);
      input.value = '';
    });
  }
  if (drop && list) {
    ['dragenter', 'dragover'].forEach(function (t) {
      drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add('over'); });
    });
    ['dragleave', 'drop'].forEach(function (t) {
      drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.remove('over'); });
    });
    drop.addEventListener('drop', function (e) {
      if (e.dataTransfer && e.dataTransfer.files) {
        uploadAll(e.dataTransfer.files);
      }
    });
    // the whole page accepts drops too, so a near miss does not open the file in the tab
    document.addEventListener('dragover', function (e) { e.preventDefault(); });
    document.addEventListener('drop', function (e) {
      if (!drop.contains(e.target)) {
        e.preventDefault();
        if (e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files.length) {
          uploadAll(e.dataTransfer.files);
        }
      }
    });
  }

  var copy = document.getElementById('share-copy');
  if (copy) {
    copy.addEventListener('click', function () {
      var field = document.getElementById(copy.getAttribute('data-copy'));
      var done = document.getElementById('share-copied');
      field.select();
      var shown = function () { done.textContent = text('copied'); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(shown, function () { document.execCommand('copy'); shown(); });
      } else {
        document.execCommand('copy');
        shown();
      }
    });
  }
})();
