// Client hooks of the browser test app: registered before ember's client loads.
window.emberHooks = {
  Chart: {
    mounted() {
      window.hookLog = (window.hookLog || []).concat("mounted");
      this.draw();
      this.el.addEventListener("click", () => this.pushEvent("bar", { index: 1 }));
      this.handleEvent("highlight", (payload) => {
        this.el.dataset.highlighted = String(payload.index);
      });
    },
    updated() {
      window.hookLog.push("updated");
      this.draw();
    },
    destroyed() {
      window.hookLog.push("destroyed");
    },
    disconnected() {
      window.hookLog.push("disconnected");
    },
    reconnected() {
      window.hookLog.push("reconnected");
    },
    draw() {
      const points = this.el.dataset.points.split(",").map(Number);
      const context = this.el.getContext("2d");
      context.clearRect(0, 0, this.el.width, this.el.height);
      context.fillStyle = "#2563eb";
      points.forEach((p, i) => context.fillRect(i * 20, this.el.height - p * 10, 16, p * 10));
      this.el.dataset.drawn = String(points.length);
    },
  },
  Broken: {
    mounted() {
      throw new Error("this hook is broken");
    },
  },
};
