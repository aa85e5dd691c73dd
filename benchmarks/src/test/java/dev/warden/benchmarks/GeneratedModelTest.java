package dev.warden.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.matrix.Capability;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generated model is as large as issue 15 says and decides every remapped request as the preset. */
class GeneratedModelTest {

  @Test
  void generatedModel_hasTwoHundredCapabilitiesAndTwentyKinds_andTwinsPastSixtyFour() {
    GeneratedModel model = new GeneratedModel();

    assertThat(model.matrix().capabilities()).hasSize(200);
    assertThat(model.matrix().resourceKinds()).hasSize(20);
    assertThat(model.twinOf(Capability.VIEW_DATA).ordinal()).isGreaterThan(64);
  }

  @Test
  void remappedMixes_decideAsThePreset() {
    DataSet data = DataSet.generate(DataSet.Size.SMALL);
    GeneratedModel model = new GeneratedModel();
    for (DataSet.MixKind kind : DataSet.MixKind.values()) {
      List<DataSet.Request> requests = data.mix(kind);
      WardenSide preset = WardenSide.load(data, requests);
      WardenSide generated = WardenSide.load(data, model.remap(requests), model.matrix());
      for (int i = 0; i < requests.size(); i++) {
        assertThat(generated.check(i)).as("%s", requests.get(i)).isEqualTo(preset.check(i));
      }
    }
  }
}
