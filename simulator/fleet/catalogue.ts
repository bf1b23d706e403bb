/**
 * The makes and models a generated fleet is drawn from, with what the vehicle model needs of each:
 * VIN parts (WMI, VDS model code, plant codes), powertrain, tank or battery size, rated consumption,
 * mass and drag area (the consumption model's inputs) and the number of gearbox ratios.
 * Figures are typical published values for the class, rounded; they are plausible, not exact.
 */

export type FleetPowertrain = 'ice' | 'bev';
export type Fuel = 'petrol' | 'diesel' | 'electric';

/** What the vehicle model needs of a model line; every car of the line carries a copy. */
export interface VehicleSpecs {
  readonly powertrain: FleetPowertrain;
  readonly fuel: Fuel;
  /** Tank (litres) or usable battery (kWh). */
  readonly capacity: number;
  /** Rated mixed consumption: litres or kWh per 100 km. */
  readonly ratedPer100Km: number;
  readonly massKg: number;
  /** Drag coefficient times frontal area, m^2. */
  readonly cdA: number;
  /** Automatic gearbox ratios (0 for an EV's single reduction). */
  readonly gears: number;
}

export interface ModelSpec extends VehicleSpecs {
  readonly name: string;
  /** Three VIN characters (positions 4-6) for the model line. */
  readonly vds: string;
  /** First model year built. */
  readonly since: number;
  /** Relative share within its make and powertrain. */
  readonly weight: number;
}

export interface MakeSpec {
  readonly name: string;
  /** World manufacturer identifier, VIN positions 1-3. */
  readonly wmi: string;
  /** Plant codes, VIN position 11. */
  readonly plants: string;
  /** Relative share in the fleet. */
  readonly weight: number;
  readonly models: readonly ModelSpec[];
}

const m = (
  name: string,
  powertrain: FleetPowertrain,
  fuel: Fuel,
  capacity: number,
  ratedPer100Km: number,
  massKg: number,
  cdA: number,
  vds: string,
  since: number,
  weight = 1,
): ModelSpec => ({
  name,
  powertrain,
  fuel,
  capacity,
  ratedPer100Km,
  massKg,
  cdA,
  gears: powertrain === 'bev' ? 0 : fuel === 'diesel' ? 8 : 7,
  vds,
  since,
  weight,
});

const make = (name: string, wmi: string, plants: string, weight: number, models: readonly ModelSpec[]): MakeSpec => ({
  name,
  wmi,
  plants,
  weight,
  models,
});

/** make(name, WMI, plant codes, weight, models); m(name, powertrain, fuel, capacity, rated per 100 km, kg, cdA, VDS, since, share). */
export const MAKES: readonly MakeSpec[] = [
  make('Volkswagen', 'WVW', 'WEZ', 18, [
    m('Golf', 'ice', 'petrol', 50, 5.9, 1350, 0.63, 'ZZZ', 2013, 3),
    m('Passat', 'ice', 'diesel', 66, 5.2, 1550, 0.66, 'ZZZ', 2015, 2),
    m('ID.3', 'bev', 'electric', 58, 15.5, 1800, 0.63, 'ZZZ', 2020, 2),
    m('ID.4', 'bev', 'electric', 77, 17.5, 2100, 0.75, 'ZZZ', 2021, 2),
  ]),
  make('BMW', 'WBA', 'NGA', 14, [
    m('320i', 'ice', 'petrol', 59, 6.4, 1500, 0.6, '5R1', 2019, 3),
    m('X3 xDrive20d', 'ice', 'diesel', 68, 6.1, 1850, 0.8, 'TX3', 2018, 2),
    m('i4 eDrive40', 'bev', 'electric', 81, 16.5, 2050, 0.55, '71A', 2021, 2),
    m('iX3', 'bev', 'electric', 74, 18.5, 2200, 0.76, '11B', 2021, 1),
  ]),
  make('Mercedes-Benz', 'W1K', 'ABR', 12, [
    m('C 200', 'ice', 'petrol', 66, 6.8, 1600, 0.6, '206', 2021, 3),
    m('E 220 d', 'ice', 'diesel', 66, 5.3, 1800, 0.62, '214', 2016, 2),
    m('EQA 250', 'bev', 'electric', 66, 17.0, 2050, 0.72, '243', 2021, 2),
    m('EQE 300', 'bev', 'electric', 89, 16.5, 2350, 0.58, '295', 2022, 1),
  ]),
  make('Audi', 'WAU', 'NDA', 10, [
    m('A4 Avant', 'ice', 'petrol', 54, 6.6, 1550, 0.62, 'ZZZ', 2016, 3),
    m('Q5', 'ice', 'diesel', 70, 6.4, 1850, 0.8, 'ZZZ', 2017, 2),
    m('Q4 e-tron', 'bev', 'electric', 77, 17.8, 2150, 0.74, 'ZZZ', 2021, 2),
  ]),
  make('Tesla', 'XP7', 'B', 8, [m('Model Y', 'bev', 'electric', 75, 16.0, 2000, 0.62, 'YGC', 2022, 3)]),
  make('Skoda', 'TMB', 'BMK', 10, [
    m('Octavia', 'ice', 'petrol', 45, 5.8, 1350, 0.63, 'JN7', 2013, 4),
    m('Enyaq', 'bev', 'electric', 77, 16.8, 2100, 0.73, 'J9N', 2021, 2),
  ]),
  make('Opel', 'W0L', 'EAR', 8, [
    m('Corsa', 'ice', 'petrol', 44, 5.4, 1150, 0.58, 'UHZ', 2019, 3),
    m('Corsa Electric', 'bev', 'electric', 48, 15.0, 1550, 0.6, 'UHZ', 2020, 2),
  ]),
  make('Ford', 'WF0', 'KCT', 7, [
    m('Focus', 'ice', 'petrol', 52, 6.0, 1350, 0.64, 'XXG', 2014, 3),
    m('Mustang Mach-E', 'bev', 'electric', 88, 18.5, 2200, 0.7, 'XXE', 2021, 1),
  ]),
  make('Renault', 'VF1', 'SJV', 7, [
    m('Clio', 'ice', 'petrol', 42, 5.3, 1100, 0.6, 'RJA', 2013, 3),
    m('Zoe', 'bev', 'electric', 52, 17.2, 1500, 0.66, 'AG0', 2015, 2),
  ]),
  make('Toyota', 'SB1', 'GB', 6, [m('Corolla', 'ice', 'petrol', 43, 5.1, 1300, 0.6, 'Z3B', 2019, 3)]),
];

export interface MakeModel {
  readonly make: MakeSpec;
  readonly model: ModelSpec;
  readonly weight: number;
}

/** Every (make, model) of a powertrain with its fleet weight (make weight x model share). */
export function choicesFor(powertrain: FleetPowertrain): readonly MakeModel[] {
  const out: MakeModel[] = [];
  for (const make of MAKES) {
    const models = make.models.filter((x) => x.powertrain === powertrain);
    const total = models.reduce((s, x) => s + x.weight, 0);
    for (const model of models) out.push({ make, model, weight: (make.weight * model.weight) / total });
  }
  return out;
}
