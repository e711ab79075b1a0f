import { divisionCodeLengthByLevel } from './division';
import { villageGroupsStreamCategory } from './domain';

const villagePattern = new RegExp(`^\\d{${divisionCodeLengthByLevel.village}}$`);

/** A village's groups stream belongs to the village. Shaped as `StreamCategory` of `@sunlight/audit`. */
export const geoStreamCategories = [
  {
    category: villageGroupsStreamCategory,
    divisionOf(streamName: string): string | undefined {
      const villageCode = streamName.slice(villageGroupsStreamCategory.length + 1);
      return villagePattern.test(villageCode) ? villageCode : undefined;
    },
  },
];
