// ES module entry: the same instance as the CommonJS entry (one WebAssembly module, one
// AntomError class), re-exported by name.
import antom from './index.cjs';

export const {
  AntomError,
  Client,
  PrivateKey,
  PublicKey,
  PreparedRequest,
  ApiResponse,
  Notification,
  NOTIFICATION_ACK,
  ERROR_CODES,
  DEFAULT_MAX_BODY_BYTES,
  WASM_ENGINE,
  DEFAULT_TIMEOUT_MS,
  handleNotification,
  expressNotificationHandler,
  fastifyNotificationPlugin,
  webNotificationHandler,
  redactHeader,
  describeBody,
  contentToSign,
  parseSignatureHeader,
  formatSignatureHeader,
  signatureHeader,
  verifyRequest,
  whichKey,
  MAX_RING_KEYS,
  toMinorUnits,
  fromMinorUnits,
  minorUnitExponent,
  endpoint,
  endpoints,
} = antom;

export default antom;
