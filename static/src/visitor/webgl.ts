// WebGL canvases keep their last frame only when created with preserveDrawingBuffer;
// otherwise a picture taken between frames is blank. The recorder arrives when a session
// starts, long after a page made its contexts, so the loader asks for it from the start
// (only when the group sends canvas pictures: it can cost a page some GPU work).
export function keepWebglFrames(): void {
  const proto = HTMLCanvasElement.prototype;
  const original = proto.getContext;
  proto.getContext = function (this: HTMLCanvasElement, type: string, attributes?: unknown) {
    if ((type === "webgl" || type === "webgl2" || type === "experimental-webgl") && !attributes) {
      attributes = { preserveDrawingBuffer: true };
    } else if (type.startsWith("webgl") && attributes && typeof attributes === "object") {
      attributes = { ...attributes, preserveDrawingBuffer: true };
    }
    return original.call(this, type, attributes as never);
  } as typeof proto.getContext;
}
