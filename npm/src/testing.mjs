// ES module entry of antom-core/testing: the same instance as the CommonJS one.
import testing from './testing.cjs';

export const { TestKit, DEFAULT_CLIENT_ID, DEFAULT_NOTIFY_PATH } = testing;
export default testing;
