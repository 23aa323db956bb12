declare const antom: {
  AntomError: typeof AntomError;
  Client: typeof Client;
  PrivateKey: typeof PrivateKey;
  PublicKey: typeof PublicKey;
  NOTIFICATION_ACK: string;
  ERROR_CODES: readonly ErrorCode[];
  contentToSign: typeof contentToSign;
  parseSignatureHeader: typeof parseSignatureHeader;
  formatSignatureHeader: typeof formatSignatureHeader;
  signatureHeader: typeof signatureHeader;
  verifyRequest: typeof verifyRequest;
  toMinorUnits: typeof toMinorUnits;
  fromMinorUnits: typeof fromMinorUnits;
  minorUnitExponent: typeof minorUnitExponent;
  endpoint: typeof endpoint;
  endpoints: typeof endpoints;
};
export default antom;
