export { createTagService, type TagService } from './service.js';
export { createTagDefinitionService, type TagDefinitionService } from './definition-service.js';
export { CONTROL_TAGS, PARK_TAG, controlTag, controlTagById, controlTagByName, type ControlTag, type ControlTagName } from './control-tags.js';
export { controlTagsIn, objectsWithControlTag } from './control-tag-reads.js';
export { isParked, parkAccount, unparkAccount, type ParkableAccount } from './park.js';
export type { Tag, TagDefinition, TagPage, CreateTagDefinitionInput } from './tag.js';
