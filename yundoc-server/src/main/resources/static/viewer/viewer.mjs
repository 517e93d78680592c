// The document viewer of the share, view and anonymous-preview pages (docs/api.md §7). Two jobs:
// - #pdf-viewer[data-src]: draws every page of the PDF at data-src on a canvas as wide as the page column (PDF.js,
//   vendored next to this file; no CDN). Pages are drawn when they come near the screen.
// - #preview-preparing[data-status]: polls the status URL while a converted PDF is being made, and reloads the page
//   once it is ready (or there will be none).
import * as pdfjs from "./pdf.min.mjs";

const MAX_PAGES = 500;

async function showPdf(box) {
    pdfjs.GlobalWorkerOptions.workerSrc = new URL("./pdf.worker.min.mjs", import.meta.url).href;
    const status = box.querySelector(".pdf-status");
    let doc;
    try {
        doc = await pdfjs.getDocument({ url: box.dataset.src, isEvalSupported: false, withCredentials: false }).promise;
    } catch (e) {
        status.textContent = box.dataset.failed || "The document could not be shown.";
        box.dataset.state = "failed";
        return;
    }
    status.remove();
    const pages = Math.min(doc.numPages, MAX_PAGES);
    box.dataset.pages = String(doc.numPages);
    const observer = new IntersectionObserver((entries) => {
        for (const entry of entries) {
            if (entry.isIntersecting) {
                observer.unobserve(entry.target);
                draw(doc, entry.target).catch(() => { entry.target.dataset.state = "failed"; });
            }
        }
    }, { rootMargin: "600px 0px" });
    const first = await doc.getPage(1);
    const ratio = first.getViewport({ scale: 1 }).height / first.getViewport({ scale: 1 }).width;
    for (let n = 1; n <= pages; n++) {
        const canvas = document.createElement("canvas");
        canvas.className = "pdf-page";
        canvas.dataset.page = String(n);
        canvas.setAttribute("role", "img");
        canvas.setAttribute("aria-label", (box.dataset.pageLabel || "Page") + " " + n);
        canvas.style.aspectRatio = String(1 / ratio);
        box.appendChild(canvas);
        observer.observe(canvas);
    }
}

async function draw(doc, canvas) {
    const page = await doc.getPage(Number(canvas.dataset.page));
    const base = page.getViewport({ scale: 1 });
    const cssWidth = canvas.clientWidth || canvas.parentElement.clientWidth;
    const dpr = Math.min(window.devicePixelRatio || 1, 3);
    const viewport = page.getViewport({ scale: (cssWidth / base.width) * dpr });
    // whole device pixels, rounded: at a ratio of 1 the canvas then has exactly the column's width
    canvas.width = Math.round(viewport.width);
    canvas.height = Math.round(viewport.height);
    canvas.style.aspectRatio = viewport.width + " / " + viewport.height;
    await page.render({ canvas, canvasContext: canvas.getContext("2d"), viewport }).promise;
    canvas.dataset.state = "drawn";
}

function poll(note) {
    const tick = async () => {
        try {
            const r = await fetch(note.dataset.status, { cache: "no-store", credentials: "omit" });
            if (r.ok) {
                const s = await r.json();
                if (s.state !== "preparing") {
                    location.reload();
                    return;
                }
            } else if (r.status === 404) {
                location.reload(); // the link ended: the page says so
                return;
            }
        } catch (e) {
            // offline for a moment: try again
        }
        setTimeout(tick, 2000);
    };
    setTimeout(tick, 2000);
}

const box = document.getElementById("pdf-viewer");
if (box && box.dataset.src) {
    showPdf(box);
}
const note = document.getElementById("preview-preparing");
if (note && note.dataset.status) {
    poll(note);
}
