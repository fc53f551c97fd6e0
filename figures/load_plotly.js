// plotly.js for the gates player, run once per page (figures/plotly_js.py): ui/player.js
// waits for it, and the gates page's HTML (serve/early.py) runs it as soon as the browser is
// idle after loading, so that its few hundred milliseconds are spent before the player needs
// it. src is the file's URL, relative to the page.
function loadPlotly(src) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__lstmVizPlotly) {
    window.__lstmVizPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL(src, document.baseURI).href; // this server: /app/static/…
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        window.__lstmVizPlotly = null;
        reject(new Error("plotly.js did not load"));
      };
      document.head.appendChild(script);
    });
  }
  return window.__lstmVizPlotly;
}
