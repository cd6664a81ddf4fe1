// The few numbers of rrweb's event format the recorder compares or writes, as plain
// constants: the bundler inlines them, where importing @rrweb/types' enums would bundle
// every one of its enum objects (about 1 KB) into the recorder and the viewer. Each is typed as rrweb's
// own enum member, so TypeScript checks the number and still narrows events by it.
import type { EventType, IncrementalSource, NodeType } from "@rrweb/types";

export const EVENT_FULL_SNAPSHOT: EventType.FullSnapshot = 2;
export const EVENT_INCREMENTAL_SNAPSHOT: EventType.IncrementalSnapshot = 3;
export const EVENT_META: EventType.Meta = 4;
export const EVENT_CUSTOM: EventType.Custom = 5;

export const SOURCE_MUTATION: IncrementalSource.Mutation = 0;
export const SOURCE_INPUT: IncrementalSource.Input = 5;
export const SOURCE_STYLESHEET_RULE: IncrementalSource.StyleSheetRule = 8;
export const SOURCE_CANVAS_MUTATION: IncrementalSource.CanvasMutation = 9;
export const SOURCE_FONT: IncrementalSource.Font = 10;
export const SOURCE_ADOPTED_STYLESHEET: IncrementalSource.AdoptedStyleSheet = 15;

/** A serialized node's type (not the DOM's Node.ELEMENT_NODE). */
export const NODE_DOCUMENT: NodeType.Document = 0;
export const NODE_ELEMENT: NodeType.Element = 2;
export const NODE_TEXT: NodeType.Text = 3;
