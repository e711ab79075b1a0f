import {
  businessOwner,
  deceased,
  propertyBuyer,
  publicServantOrCadreRelative,
  vehicleOwner,
} from './registry-rules';
import { lateAddition, notRegistered } from './household-rules';
import { paidWithoutPhotos, reusedPhoto } from './project-rules';
import { duplicateBeneficiary, invalidIdNumber, overCap, sharedBankAccount } from './roster-rules';
import type { RuleDefinition } from './rule';

/** Every rule the cross-checks run, in the order docs/rules.md lists them. */
export const ruleCatalogue: readonly RuleDefinition[] = [
  publicServantOrCadreRelative,
  businessOwner,
  vehicleOwner,
  propertyBuyer,
  deceased,
  invalidIdNumber,
  duplicateBeneficiary,
  sharedBankAccount,
  overCap,
  notRegistered,
  lateAddition,
  paidWithoutPhotos,
  reusedPhoto,
];

export function findRule(id: string): RuleDefinition | undefined {
  return ruleCatalogue.find((rule) => rule.id === id);
}
