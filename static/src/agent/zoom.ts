// The viewer's zoom and full screen. The replay is drawn scaled: "fit" (the default) scales
// the visitor's viewport to the stage, 1:1 shows it at its own size, and zoom in/out step
// through fixed levels; a zoomed replay larger than the stage scrolls. Full screen puts
// the whole viewer (bars and chat included) on the screen with the Fullscreen API.

const LEVELS = [0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3];

export class ViewerZoom {
  /** "fit", or a fixed scale the agent chose. */
  private mode: "fit" | number = "fit";
  private fitted = 1;
  private readonly level: HTMLElement;
  private readonly fitButton: HTMLButtonElement;
  private readonly actualButton: HTMLButtonElement;
  private readonly inButton: HTMLButtonElement;
  private readonly outButton: HTMLButtonElement;
  private readonly fullButton: HTMLButtonElement;

  /** `refit` redraws the replay (it calls scale() with what fits now). */
  constructor(
    private readonly root: HTMLElement,
    private readonly refit: () => void,
  ) {
    const button = (name: string) => root.querySelector<HTMLButtonElement>(`.zoom .${name}`)!;
    this.level = root.querySelector<HTMLElement>(".zoom .zoom-level")!;
    this.fitButton = button("zoom-fit");
    this.actualButton = button("zoom-actual");
    this.inButton = button("zoom-in");
    this.outButton = button("zoom-out");
    this.fullButton = button("zoom-full");
    this.fitButton.addEventListener("click", () => this.set("fit"));
    this.actualButton.addEventListener("click", () => this.set(1));
    this.inButton.addEventListener("click", () => this.step(1));
    this.outButton.addEventListener("click", () => this.step(-1));
    // Browsers (or embedding pages) without the Fullscreen API get no button.
    this.fullButton.hidden = !document.fullscreenEnabled;
    this.fullButton.addEventListener("click", () => void this.toggleFullScreen());
    document.addEventListener("fullscreenchange", this.fullScreenChanged);
    this.show();
  }

  /** The scale to draw the replay at, given the scale that fits it in the stage. */
  scale(fitted: number): number {
    this.fitted = fitted;
    this.show();
    return this.current();
  }

  stop(): void {
    document.removeEventListener("fullscreenchange", this.fullScreenChanged);
  }

  private current(): number {
    return this.mode === "fit" ? this.fitted : this.mode;
  }

  private set(mode: "fit" | number): void {
    this.mode = mode;
    this.refit();
    this.show();
  }

  /** The next level up (1) or down (-1) from what is shown now, fit included. */
  private step(direction: 1 | -1): void {
    const now = this.current();
    const next =
      direction > 0
        ? LEVELS.find((level) => level > now + 0.001)
        : [...LEVELS].reverse().find((level) => level < now - 0.001);
    if (next !== undefined) this.set(next);
  }

  private show(): void {
    const scale = this.current();
    const percent = `${Math.round(scale * 100)}%`;
    this.level.textContent = this.mode === "fit" ? `Fit (${percent})` : percent;
    this.root.dataset.zoom = this.mode === "fit" ? "fit" : "manual";
    this.fitButton.setAttribute("aria-pressed", String(this.mode === "fit"));
    this.actualButton.setAttribute("aria-pressed", String(this.mode === 1));
    this.inButton.disabled = scale >= LEVELS[LEVELS.length - 1] - 0.001;
    this.outButton.disabled = scale <= LEVELS[0] + 0.001;
  }

  private async toggleFullScreen(): Promise<void> {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await this.root.requestFullscreen();
    } catch (error) {
      console.warn("[Tandem] full screen was refused", error);
    }
  }

  private readonly fullScreenChanged = () => {
    const on = document.fullscreenElement === this.root;
    this.fullButton.setAttribute("aria-pressed", String(on));
    this.root.dataset.fullscreen = on ? "on" : "off";
    requestAnimationFrame(this.refit);
  };
}
