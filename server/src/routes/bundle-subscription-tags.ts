import { objectCustomFields } from './object-custom-fields.js';
import { objectTags } from './object-tags.js';

/**
 * Tags and custom fields of bundles and subscriptions (Kill Bill's BundleResource / SubscriptionResource
 * serve `/{id}/tags` and `/{id}/customFields` through JaxRsResourceBase): a bundle tagged AUTO_INVOICING_OFF
 * is left out of invoice runs.
 */
export const bundleTags = objectTags({ objectType: 'BUNDLE', param: 'bundleId', base: '/1.0/kb/bundles' });
export const bundleCustomFields = objectCustomFields({ objectType: 'BUNDLE', param: 'bundleId', base: '/1.0/kb/bundles' });
export const subscriptionTags = objectTags({ objectType: 'SUBSCRIPTION', param: 'subscriptionId', base: '/1.0/kb/subscriptions' });
export const subscriptionCustomFields = objectCustomFields({ objectType: 'SUBSCRIPTION', param: 'subscriptionId', base: '/1.0/kb/subscriptions' });
