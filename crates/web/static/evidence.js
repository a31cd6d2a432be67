// bangfu: evidence uploads (证明材料). A phone photo over the limit is made smaller in the
// browser (longest side 2000 px, JPEG) before it is sent; the server checks the result like any
// other upload. A static file: the page carries no inline script.
(function () {
  "use strict";
  var form = document.getElementById('evidence-form');
  if (!form) { return; }
  form.addEventListener('submit', async function (ev) {
    const form = ev.currentTarget, input = form.querySelector('input[type=file]'), max = Number(form.dataset.max);
    const file = input.files && input.files[0];
    if (!file || file.size <= max || !/^image\/(jpeg|png|webp)$/.test(file.type) || form.dataset.shrunk) return;
    ev.preventDefault();
    try {
      const img = await createImageBitmap(file);
      const scale = Math.min(1, 2000 / Math.max(img.width, img.height));
      const canvas = document.createElement('canvas');
      canvas.width = Math.round(img.width * scale); canvas.height = Math.round(img.height * scale);
      canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((ok) => canvas.toBlob(ok, 'image/jpeg', 0.85));
      const dt = new DataTransfer();
      dt.items.add(new File([blob], file.name.replace(/\.\w+$/, '') + '.jpg', { type: 'image/jpeg' }));
      input.files = dt.files;
    } catch (e) { /* send as it is: the server explains the limit */ }
    form.dataset.shrunk = '1';
    form.submit();
  });
})();
