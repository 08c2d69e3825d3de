// The relay loop is shared by every service with an outbox; it lives in @hexbase/messaging.
export { relayOutbox, type RelayDeps, type RelayObserver, type RelayOptions } from '@hexbase/messaging';
