// Telling an agent that a session arrived: a count in the tab's title ("(2) Tandem") until
// the agent looks at the page, an optional short tone (WebAudio, no sound file) and an
// optional desktop notification. Sound and notifications are off until the agent turns
// them on; the choice is remembered in this browser (localStorage).

const SOUND_KEY = "tandem.notify.sound";
const DESKTOP_KEY = "tandem.notify.desktop";

export type Announcement = { title_: string; body_: string; tag_: string; href_: string };

function stored(key: string): boolean {
  try {
    return localStorage.getItem(key) === "on";
  } catch {
    return false; // storage blocked: every choice starts off
  }
}

function store(key: string, on: boolean): void {
  try {
    if (on) localStorage.setItem(key, "on");
    else localStorage.removeItem(key);
  } catch {
    // Storage blocked: the choice lasts as long as the page.
  }
}

/** Whether the agent is looking at this page now (visible and focused). */
export function pageSeen(): boolean {
  return document.visibilityState === "visible" && document.hasFocus();
}

/** "(n) Title" while n announcements are unseen; back to the title once the page is seen. */
export class TitleBadge {
  private unseen_ = 0;
  private readonly base_: string;

  constructor() {
    this.base_ = document.title;
    const seen = () => {
      if (pageSeen()) this.clear();
    };
    window.addEventListener("focus", seen);
    document.addEventListener("visibilitychange", seen);
    document.addEventListener("pointerdown", seen);
    document.addEventListener("keydown", seen);
  }

  add(): void {
    this.unseen_ += 1;
    document.title = `(${this.unseen_}) ${this.base_}`;
  }

  clear(): void {
    this.unseen_ = 0;
    document.title = this.base_;
  }
}

/** A short two-note chime made on the spot. */
export function playTone(): void {
  const Context = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Context) return;
  try {
    const context = new Context();
    const gain = context.createGain();
    gain.connect(context.destination);
    const start = context.currentTime;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.35);
    for (const [frequency, at] of [
      [880, 0],
      [1320, 0.12],
    ]) {
      const tone = context.createOscillator();
      tone.type = "sine";
      tone.frequency.value = frequency;
      tone.connect(gain);
      tone.start(start + at);
      tone.stop(start + at + 0.2);
    }
    window.setTimeout(() => void context.close(), 600);
  } catch {
    // No audio output (or the browser refused it before any click): stay silent.
  }
}

/** The sound toggle and the "Enable notifications" control, and announcing through them. */
export class Notifier {
  private sound_ = stored(SOUND_KEY);
  private desktop_ = stored(DESKTOP_KEY);

  /** `soundBox`: a checkbox; `desktopButton`: asks for the browser's permission on click
   * (never before), then switches notifications on and off; `status`: what happened. */
  bind(soundBox: HTMLInputElement | null, desktopButton: HTMLButtonElement | null, status: HTMLElement | null): void {
    if (soundBox) {
      soundBox.checked = this.sound_;
      soundBox.addEventListener("change", () => {
        this.sound_ = soundBox.checked;
        store(SOUND_KEY, this.sound_);
        if (this.sound_) playTone(); // so the agent hears what it will sound like
      });
    }
    if (!desktopButton) return;
    const say = (text: string) => {
      if (status) status.textContent = text;
    };
    if (typeof Notification === "undefined") {
      desktopButton.disabled = true;
      say("This browser cannot show desktop notifications.");
      return;
    }
    const show = () => {
      const on = this.desktop_ && Notification.permission === "granted";
      desktopButton.textContent = on ? "Turn off notifications" : "Enable notifications";
      desktopButton.setAttribute("aria-pressed", String(on));
    };
    show();
    desktopButton.addEventListener("click", async () => {
      if (this.desktop_ && Notification.permission === "granted") {
        this.desktop_ = false;
      } else {
        // Asked here, on the agent's click, never before (already granted: no prompt shows).
        const permission = await Notification.requestPermission();
        this.desktop_ = permission === "granted";
        if (!this.desktop_) say("Notifications are blocked for this site in the browser's settings.");
        else say("Desktop notifications on: you hear of new sessions in other tabs and windows too.");
      }
      store(DESKTOP_KEY, this.desktop_);
      show();
    });
  }

  /** Tell the agent: a tone if asked for, a desktop notification if asked for and the agent
   * is not looking at this page. */
  announce(news: Announcement): void {
    if (this.sound_) playTone();
    if (!this.desktop_ || pageSeen() || typeof Notification === "undefined" || Notification.permission !== "granted") return;
    try {
      const note = new Notification(news.title_, { body: news.body_, tag: news.tag_ });
      note.onclick = () => {
        window.focus();
        note.close();
        if (news.href_ && location.pathname !== news.href_) location.assign(news.href_);
      };
    } catch {
      // Some mobile browsers only notify from a service worker: the title badge remains.
    }
  }
}
