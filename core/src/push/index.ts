export {
  createPushNotificationService,
  PUSH_NOTIFICATION_FAILED_QUEUE,
  PUSH_NOTIFICATION_QUEUE,
  PUSH_NOTIFICATION_SECRET_KEY,
  type PushNotificationDeps,
  type PushNotificationService,
} from './service.js';
export { notificationBody, type PushNotificationKey } from './delivery.js';
export { DEFAULT_PUSH_RETRIES } from './retries.js';
export { newSigningSecret, signPushNotification, verifyPushSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature.js';
