/** One message to one address: the message, who a recipient reaches, and how each channel shows it; pure. */
export type { Address, Channel, Message, MessageItem } from './message';
export { addressesOf, unitsWithoutChannel } from './contacts';
export {
  DINGTALK_MAX_BYTES,
  TRUNCATED,
  WECOM_MAX_BYTES,
  escapeHtml,
  itemUrl,
  renderDingTalk,
  renderEmail,
  renderJson,
  renderWeCom,
  truncateBytes,
  utf8Bytes,
  type JsonPayload,
  type RenderOptions,
  type RenderedEmail,
} from './render';
