// Auto-refresh, remembered in this browser: reloads the page (filters kept) every 10 seconds while checked.
(function () {
  var box = document.getElementById('auto-refresh');
  box.checked = localStorage.getItem('sxwl.autoRefresh') === 'on';
  box.addEventListener('change', function () {
    localStorage.setItem('sxwl.autoRefresh', box.checked ? 'on' : 'off');
    if (box.checked) { schedule(); }
  });
  function schedule() { setTimeout(function () { if (box.checked) { location.reload(); } }, 10000); }
  if (box.checked) { schedule(); }
})();
