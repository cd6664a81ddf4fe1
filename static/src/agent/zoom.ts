// The viewer's zoom and full screen. The replay is drawn scaled: "fit" (the default) scales
// the visitor's viewport to the stage, 1:1 shows it at its own size, and zoom in/out step
// through fixed levels; a zoomed replay larger than the stage scrolls. Full screen puts
// the whole viewer (bars and chat included) on the screen with the Fullscreen API.

const LEVELS = [0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3];

export class ViewerZoom {
  /** "fit", or a fixed scale the agent chose. */
  private mode_: "fit" | number = "fit";
  private fitted_ = 1;
  private readonly level_: HTMLElement;
  private readonly fitButton_: HTMLButtonElement;
  private readonly actualButton_: HTMLButtonElement;
  private readonly inButton_: HTMLButtonElement;
  private readonly outButton_: HTMLButtonElement;
  private readonly fullButton_: HTMLButtonElement;

  /** `refit` redraws the replay (it calls scale() with what fits now). */
  constructor(
    private readonly root_: HTMLElement,
    private readonly refit_: () => void,
  ) {
    const button = (name: string) => root_.querySelector<HTMLButtonElement>(`.zoom .${name}`)!;
    this.level_ = root_.querySelector<HTMLElement>(".zoom .zoom-level")!;
    this.fitButton_ = button("zoom-fit");
    this.actualButton_ = button("zoom-actual");
    this.inButton_ = button("zoom-in");
    this.outButton_ = button("zoom-out");
    this.fullButton_ = button("zoom-full");
    this.fitButton_.addEventListener("click", () => this.set_("fit"));
    this.actualButton_.addEventListener("click", () => this.set_(1));
    this.inButton_.addEventListener("click", () => this.step_(1));
    this.outButton_.addEventListener("click", () => this.step_(-1));
    // Browsers (or embedding pages) without the Fullscreen API get no button.
    this.fullButton_.hidden = !document.fullscreenEnabled;
    this.fullButton_.addEventListener("click", () => void this.toggleFullScreen_());
    document.addEventListener("fullscreenchange", this.fullScreenChanged_);
    this.show_();
  }

  /** The scale to draw the replay at, given the scale that fits it in the stage. */
  scale(fitted: number): number {
    this.fitted_ = fitted;
    this.show_();
    return this.current_();
  }

  stop(): void {
    document.removeEventListener("fullscreenchange", this.fullScreenChanged_);
  }

  private current_(): number {
    return this.mode_ === "fit" ? this.fitted_ : this.mode_;
  }

  private set_(mode: "fit" | number): void {
    this.mode_ = mode;
    this.refit_();
    this.show_();
  }

  /** The next level up (1) or down (-1) from what is shown now, fit included. */
  private step_(direction: 1 | -1): void {
    const now = this.current_();
    const next =
      direction > 0
        ? LEVELS.find((level) => level > now + 0.001)
        : [...LEVELS].reverse().find((level) => level < now - 0.001);
    if (next !== undefined) this.set_(next);
  }

  private show_(): void {
    const scale = this.current_();
    const percent = `${Math.round(scale * 100)}%`;
    this.level_.textContent = this.mode_ === "fit" ? `Fit (${percent})` : percent;
    this.root_.dataset.zoom = this.mode_ === "fit" ? "fit" : "manual";
    this.fitButton_.setAttribute("aria-pressed", String(this.mode_ === "fit"));
    this.actualButton_.setAttribute("aria-pressed", String(this.mode_ === 1));
    this.inButton_.disabled = scale >= LEVELS[LEVELS.length - 1] - 0.001;
    this.outButton_.disabled = scale <= LEVELS[0] + 0.001;
  }

  private async toggleFullScreen_(): Promise<void> {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await this.root_.requestFullscreen();
    } catch (error) {
      console.warn("[Tandem] full screen was refused", error);
    }
  }

  private readonly fullScreenChanged_ = () => {
    const on = document.fullscreenElement === this.root_;
    this.fullButton_.setAttribute("aria-pressed", String(on));
    this.root_.dataset.fullscreen = on ? "on" : "off";
    requestAnimationFrame(this.refit_);
  };
}
