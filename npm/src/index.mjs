// ES module entry: the same instance as the CommonJS entry (one WebAssembly module, one
// AntomError class), re-exported by name.
import antom from './index.cjs';

export const {
  AntomError,
  Client,
  PrivateKey,
  PublicKey,
  NOTIFICATION_ACK,
  ERROR_CODES,
  contentToSign,
  parseSignatureHeader,
  formatSignatureHeader,
  signatureHeader,
  verifyRequest,
  toMinorUnits,
  fromMinorUnits,
  minorUnitExponent,
  endpoint,
  endpoints,
} = antom;

export default antom;
